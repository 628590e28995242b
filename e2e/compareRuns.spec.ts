// Compare as you go: a finished run stays on the charts, faded, behind the next one, labelled
// by its tricks; the runs can be hidden, kept or cleared, and go to the lab as a hand-made plan.
// They are kept in the browser: a reload brings them back, without what was damaged.
import { expect, test } from '@playwright/test';
import { makeConfig } from '../src/engine/config';
import { pastRunOf } from '../src/ui/pastRuns';
import { PAST_RUNS_KEY, serializePastRuns } from '../src/ui/pastRunStore';
import { fakeResult } from '../test/support/testRuns';
import { TrickLabPage } from './pages/TrickLabPage';

test('two tiny runs overlaid, then sent to the lab as a hand-made plan', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await expect(app.backendName).toHaveText(/cpu/, { timeout: 60_000 });
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  await app.configure();
  await page.getByRole('checkbox', { name: 'Label smoothing' }).check();
  await app.runToCompletion();
  const runs = page.getByTestId('past-run');
  await expect(runs).toHaveCount(1);
  await expect(runs.first()).toContainText('+ Label smoothing');
  // The page's own run is the live line; nothing faded yet.
  await expect(page.locator('[data-testid="loss-chart"] [data-series^="past-"]')).toHaveCount(0);

  await page.getByRole('checkbox', { name: 'Label smoothing' }).uncheck();
  await app.runToCompletion();
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(1)).toContainText('baseline');
  // The first run is drawn faded behind the second on the loss and accuracy charts.
  const fadedLoss = page.locator('[data-testid="loss-chart"] [data-series^="past-"]');
  await expect(fadedLoss).toHaveCount(1);
  await expect(fadedLoss.locator('path')).toHaveAttribute('stroke-opacity', '0.45');
  await expect(fadedLoss.locator('title')).toHaveText('+ Label smoothing');
  await expect(page.locator('[data-testid="accuracy-chart"] [data-series^="past-"]')).toHaveCount(1);
  // The run's colour is the same in the list and on both charts.
  const swatch = await runs.first().locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
  for (const chart of ['loss-chart', 'accuracy-chart']) {
    const line = page.locator(`[data-testid="${chart}"] [data-series^="past-"]`).locator('path, circle').first();
    expect(await line.evaluate((e) => getComputedStyle(e).stroke === 'none' ? getComputedStyle(e).fill : getComputedStyle(e).stroke), chart).toBe(swatch);
  }

  // Hidden, it leaves the charts and stays in the list.
  await runs.first().getByRole('checkbox', { name: 'show' }).uncheck();
  await expect(fadedLoss).toHaveCount(0);
  await runs.first().getByRole('checkbox', { name: 'show' }).check();
  await expect(fadedLoss).toHaveCount(1);

  // The lab seen once (its code loaded, so it draws at once), then far down this page, as a
  // user who read the list would be.
  await page.getByTestId('tab-lab').click();
  await expect(page.getByTestId('lab-view')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('tab-single').click();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await page.getByTestId('past-runs-to-lab').click();
  await expect(page.getByTestId('tab-lab')).toHaveAttribute('aria-selected', 'true');
  // The lab opens at its top, on the planner that now holds the runs.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  // The lab's planner holds one entry per run, labelled and with its tricks.
  await expect(page.getByTestId('lab-variant-0').getByLabel('Entry 1 label')).toHaveValue('+ Label smoothing');
  await expect(page.getByTestId('lab-variant-0').getByRole('checkbox', { name: 'Label smoothing' })).toBeChecked();
  await expect(page.getByTestId('lab-variant-1').getByLabel('Entry 2 label')).toHaveValue('baseline');
  await expect(page.getByTestId('lab-planned-count')).toHaveText('4'); // 2 configs × 2 seeds

  // Back on the single run, Clear takes every earlier run off the charts.
  await page.getByTestId('tab-single').click();
  await page.getByTestId('past-runs-clear').click();
  await expect(runs).toHaveCount(0);
  await expect(fadedLoss).toHaveCount(0);
});

test('earlier runs kept in the browser are on the charts at load; damaged or hostile records are dropped', async ({ page }) => {
  const kept = pastRunOf('run-kept-1', fakeResult(makeConfig({ tricks: { labelSmoothing: { enabled: true, params: {} } } }), 0.42), []);
  const { version, runs } = JSON.parse(serializePastRuns([kept])) as { version: number; runs: Record<string, unknown>[] };
  const good = runs[0];
  const stored = JSON.stringify({
    version,
    runs: [
      { ...good, id: 'run-bad-config', config: { ...(good.config as object), optim: 'fast' } },
      good,
      { ...good, id: 'run-bad-curve', loss: [[1, 'NaN']] },
      { ...good, id: '<img src=x onerror=alert(1)>' },
      JSON.parse(`{"__proto__":{"polluted":true},"id":"run-proto"}`) as unknown,
    ],
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [PAST_RUNS_KEY, stored] as const);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  const list = page.getByTestId('past-run');
  await expect(list).toHaveCount(1);
  await expect(list.first()).toContainText('+ Label smoothing');
  await expect(list.first()).toContainText('42.0% top-1');
  await expect(page.locator('[data-testid="accuracy-chart"] [data-series^="past-"] title')).toHaveText('+ Label smoothing (validation)');
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => 'polluted' in {})).toBe(false);
  // What was dropped is gone from the store too.
  expect(await page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { runs?: { id: string }[] }).runs?.map((r) => r.id), PAST_RUNS_KEY)).toEqual(['run-kept-1']);
});
