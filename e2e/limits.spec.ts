// Numbers at the edge (tiny runs on ?backend=cpu): a learning rate of 100 or 1e6 ends the run as
// diverged with the page intact and its results downloadable; charts fed 1e300 and Infinity draw
// a bounded axis (linear and log); a one-image dataset is refused at load in words.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { makeConfig } from '../src/engine/config';
import { LabPage } from './pages/LabPage';
import { TrickLabPage } from './pages/TrickLabPage';

async function freshPage(browser: Browser, baseURL: string | undefined): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors, close: () => context.close() };
}

/** The y-axis tick labels of a chart. */
const yTicks = (page: Page, testId: string) => page.getByTestId(testId).locator('.recharts-yAxis-tick-labels text').allTextContents();

test('LR 100 and 1e6 end as diverged, with the page, the charts and Download results intact', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const { page, errors, close } = await freshPage(browser, baseURL);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await app.ensureReady();

  // A one-image dataset is refused at load, in words; the embedded set stays.
  await app.dropFiles([{ name: 'data_batch_1.bin', bytes: Buffer.alloc(3073, 3) }]);
  await expect(app.datasetError).toContainText('has 1 image; a run needs at least 4', { timeout: 30_000 });
  await expect(app.datasetName).toContainText('synthetic');

  for (const lr of ['100', '1000000']) {
    await app.configure({ epochs: 2 });
    await page.getByRole('spinbutton', { name: 'Learning rate' }).fill(lr);
    await app.start();
    await expect(app.phase).toHaveAttribute('data-phase', /starting|running|done/);
    await app.expectPhase('done', 120_000);
    await expect(app.phase).toContainText('diverged');
    await expect(page.getByTestId('run-message')).toHaveText(/^diverged at step \d+: the training loss is (NaN|Infinity|\d(\.\d)?e\+\d+, more than 10,000 times its start \(2\.30, a uniform guess over 10 classes\))$/);
    // The page is all there: charts drawn, with a handful of ticks, no panel replaced by a fault.
    await expect(page.getByTestId('panel-fault')).toHaveCount(0);
    await app.expectChartFilled('loss-chart');
    const ticks = await yTicks(page, 'loss-chart');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThanOrEqual(8);
    await page.getByTestId('loss-log-scale').check();
    await expect(page.getByTestId('loss-chart').locator('.live-series path, .live-series circle').first()).toBeVisible();
    await expect(page.getByTestId('panel-fault')).toHaveCount(0);
    await page.getByTestId('loss-log-scale').uncheck();
    const result = await app.downloadResults();
    expect(result.status).toBe('diverged');
    expect(result.config.optim.lr).toBe(Number(lr));
    expect(result.steps.length).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
  await close();
});

test('Stop takes hold during a long first step on the CPU, and the next run trains', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const { page, errors, close } = await freshPage(browser, baseURL);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await app.ensureReady();
  // ResNet-8 ×1 at 32×32, batch 256 (about 1.8 GiB a step, under the CPU's 4 GiB): a first step of
  // many seconds on the CPU, which blocks the worker.
  await app.configure({ width: 1, resolution: 32, batchSize: 256, trainLimit: 512 });
  await app.start();
  await app.page.waitForTimeout(2_000);
  await app.stopButton.click();
  const asked = Date.now();
  await app.expectPhase('done', 60_000);
  // Within the 15 s grace (plus the check's second and the page's own time), whatever the step takes.
  expect(Date.now() - asked).toBeLessThan(25_000);
  await expect(app.phase).toContainText('stopped');
  await expect(page.getByTestId('panel-fault')).toHaveCount(0);
  // The page goes on (on a new worker when the old one was restarted): a tiny run finishes.
  await expect(app.backendName).toHaveText('cpu', { timeout: 60_000 });
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  await app.configure();
  await app.runToCompletion();
  expect(errors).toEqual([]);
  await close();
});

test('a chart fed 1e300 and Infinity draws a bounded axis, linear and log', async ({ browser, baseURL }) => {
  const { page, errors, close } = await freshPage(browser, baseURL);
  const lab = new LabPage(page);
  await lab.open('?backend=cpu');
  // A run's results as `npm run train` writes them, with a loss of 1e300 and one of Infinity (null in JSON).
  const epoch = { epoch: 1, trainLoss: 1e300, trainAccuracy: 0.1, valLoss: null, valTop1: 0.1, valTop5: 0.5, lr: 0.1, seconds: 3, imagesPerSecond: 40 };
  const result = {
    schemaVersion: 1,
    app: { name: 'trick-lab', version: '0.1.0' },
    config: makeConfig({ name: 'huge', model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: 16, trainLimit: 128 }, optim: { batchSize: 32 }, run: { epochs: 1 } }),
    dataset: { name: 'synthetic', trainCount: 128, valCount: 32, numClasses: 10 },
    environment: { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'e2e', runtime: 'node' },
    status: 'diverged',
    message: 'diverged at step 3: the training loss is Infinity',
    epochs: [epoch],
    steps: [
      { step: 1, epoch: 1, loss: 2.3, lr: 0.1, imagesPerSecond: 40 },
      { step: 2, epoch: 1, loss: 1e300, lr: 0.1, imagesPerSecond: 40 },
      { step: 3, epoch: 1, loss: null, lr: 0.1, imagesPerSecond: 40 },
    ],
    final: { valTop1: 0.1, valTop5: 0.5, valLoss: null, bestValTop1: 0.1, trainLoss: 1e300, trainAccuracy: 0.1 },
    timings: { startedAt: '2025-03-01T10:00:00.000Z', finishedAt: '2025-03-01T10:00:04.000Z', wallSeconds: 4, imagesPerSecond: 32 },
  };
  await lab.importFiles([{ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(result)) }]);
  await expect(page.getByTestId('lab-chart-loss')).not.toHaveAttribute('data-points', '0', { timeout: 30_000 });
  await expect(page.getByTestId('panel-fault')).toHaveCount(0);
  const ticks = await yTicks(page, 'lab-chart-loss');
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  expect(ticks.length).toBeLessThanOrEqual(8);
  expect(ticks).toContain('1e+300');
  await page.getByTestId('lab-loss-log-scale').check();
  await expect(page.getByTestId('panel-fault')).toHaveCount(0);
  const logTicks = await yTicks(page, 'lab-chart-loss');
  expect(logTicks.length).toBeLessThanOrEqual(6);
  expect(errors).toEqual([]);
  await close();
});
