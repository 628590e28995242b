// Compare as you go: a finished run stays on the charts, faded, behind the next one, labelled
// by its tricks; the runs can be hidden, kept or cleared, and go to the lab as a hand-made plan.
import { expect, test } from '@playwright/test';
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

  await page.getByTestId('past-runs-to-lab').click();
  await expect(page.getByTestId('tab-lab')).toHaveAttribute('aria-selected', 'true');
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
