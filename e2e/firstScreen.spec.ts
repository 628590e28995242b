// The first screen: at 1440×900 and 1280×720 the single-run page shows its trick toggles and its
// three charts without scrolling (the baseline sits below them), and the lab shows its dataset,
// design, every trick toggle, the plan's size and time, Queue and its accuracy and loss charts
// (the baseline folded); screenshots of both tabs at both sizes go to test-results/ for a look.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { TrickLabPage } from './pages/TrickLabPage';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

/** Fails unless the element's whole box lies inside the viewport at the current scroll (none). */
async function expectInFirstScreen(page: Page, locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  expect(box, `${what} has no box`).not.toBeNull();
  if (!box || !viewport) return;
  expect(box.x, `${what} starts left of the viewport`).toBeGreaterThanOrEqual(0);
  expect(box.y, `${what} starts above the viewport`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends past the right edge (${box.x + box.width} > ${viewport.width})`).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height, `${what} ends below the first screen (${box.y + box.height} > ${viewport.height})`).toBeLessThanOrEqual(viewport.height);
}

for (const size of SIZES) {
  test(`tricks and charts fill the first screen at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    const app = new TrickLabPage(page);
    await page.goto('/?backend=cpu');
    await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
    await expect(app.chart('lr-chart').locator('svg').first()).toBeVisible({ timeout: 30_000 });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    const toggles = page.getByTestId('trick-panel').getByRole('checkbox');
    await expectInFirstScreen(page, toggles.first(), 'The first trick toggle');
    await expectInFirstScreen(page, toggles.last(), 'The last trick toggle');
    await expect(page.getByTestId('trick-labelSmoothing-explanation')).toBeVisible();
    for (const chart of ['lr-chart', 'loss-chart', 'accuracy-chart'] as const) await expectInFirstScreen(page, app.chart(chart), `The ${chart}`);
    await expectInFirstScreen(page, app.startButton, 'Start');
    // Large enough to read: each plot is at least 280 px wide and 200 px tall.
    for (const chart of ['lr-chart', 'loss-chart', 'accuracy-chart'] as const) {
      const plot = await app.chart(chart).locator('svg.recharts-surface, svg').first().boundingBox();
      expect(plot?.width ?? 0, `${chart} width`).toBeGreaterThanOrEqual(280);
      expect(plot?.height ?? 0, `${chart} height`).toBeGreaterThanOrEqual(200);
    }
    // The baseline folds away and opens again, its fields intact.
    const baseline = page.getByTestId('baseline');
    await expect(baseline).toHaveAttribute('open', '');
    await expect(page.getByTestId('baseline-summary')).toContainText('synthetic');
    await page.screenshot({ path: `test-results/first-screen-single-${size.width}x${size.height}.png` });
    await baseline.locator('summary').click();
    await expect(page.getByLabel('Epochs')).toBeHidden();
    await baseline.locator('summary').click();
    await expect(page.getByLabel('Epochs')).toBeVisible();

    const trickCount = await toggles.count();
    expect(trickCount).toBeGreaterThanOrEqual(10);
    await page.getByTestId('tab-lab').click();
    await expect(page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
    await expect(page.getByTestId('lab-chart-accuracy').locator('svg').first()).toBeVisible({ timeout: 30_000 });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.screenshot({ path: `test-results/first-screen-lab-${size.width}x${size.height}.png` });
    // The lab's first screen: the page's header, what it trains on, the design, every trick
    // toggle, the plan's size and time, Queue, and the accuracy and loss comparison charts.
    await expect(page.getByRole('heading', { name: 'Trick Lab', level: 1 })).toBeVisible();
    await expectInFirstScreen(page, page.getByRole('heading', { name: 'Trick Lab', level: 1 }), 'The page header');
    await expectInFirstScreen(page, page.getByTestId('lab-dataset-name'), 'The dataset line');
    await expectInFirstScreen(page, page.getByTestId('lab-mode'), 'The design choice');
    const labToggles = page.getByRole('list', { name: 'Tricks to ablate' }).getByRole('checkbox');
    expect(await labToggles.count()).toBe(trickCount);
    for (const toggle of await labToggles.all()) await expectInFirstScreen(page, toggle, `The trick toggle ${await toggle.getAttribute('data-testid')}`);
    await expectInFirstScreen(page, page.getByTestId('lab-estimate'), 'The plan\'s time estimate');
    await expectInFirstScreen(page, page.getByTestId('lab-planned-count'), 'The plan\'s size');
    await expectInFirstScreen(page, page.getByTestId('lab-queue-plan'), 'Queue');
    for (const chart of ['lab-chart-accuracy', 'lab-chart-loss'] as const) {
      await expectInFirstScreen(page, page.getByTestId(chart), `The ${chart}`);
      const plot = await page.getByTestId(chart).locator('svg.recharts-surface').first().boundingBox();
      expect(plot?.width ?? 0, `${chart} width`).toBeGreaterThanOrEqual(280);
      expect(plot?.height ?? 0, `${chart} height`).toBeGreaterThanOrEqual(200);
    }
    // The baseline is folded under its summary line and opens with its fields.
    const labBaseline = page.getByTestId('lab-baseline-section');
    await expect(labBaseline).not.toHaveAttribute('open');
    await expect(page.getByTestId('lab-baseline-summary')).toHaveText(/^ResNet-\d+ ×[\d.]+ · \d+ px · \d+ epochs? · batch \d+ · SGD lr [\d.e-]+/);
    await expect(page.getByTestId('lab-epochs')).toBeHidden();
    await labBaseline.locator('summary').click();
    await expect(page.getByTestId('lab-epochs')).toBeVisible();
  });
}

// The header keeps its height when a run's throughput replaces "–": re-wrapping it pushed the
// whole page down as training started (at 1280 and 1366 px wide, with a software adapter's long
// name). The default backend, whose adapter the header names.
for (const width of [1280, 1366]) {
  test(`the header does not grow when the throughput appears at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 720 });
    await page.goto('/');
    const rate = page.getByTestId('images-per-second');
    await expect(page.getByTestId('backend-name')).not.toHaveText('starting…', { timeout: 60_000 });
    const height = () => page.locator('.app-header').evaluate((e) => e.getBoundingClientRect().height);
    const idle = await height();
    // The widest value a run shows, written where the run writes it.
    await rate.evaluate((e) => {
      e.textContent = '1234.5 img/s';
    });
    expect(await height()).toBe(idle);
  });
}
