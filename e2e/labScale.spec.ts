// A big lab stays responsive: importing 5,000 runs of 5,000 distinct configs (a file made here),
// and reloading the page with them stored, never blocks the main thread for more than 200 ms
// (a long-task observer registered before the app loads; the reload is counted from the lab's
// first render, before its runs are read back). The charts draw a legible number of
// configs, and the results table renders only the rows in view.
import { expect, test } from '@playwright/test';
import { makeConfig } from '../src/engine/config';
import type { LabExport } from '../src/engine/lab/exportFormat';
import type { RunResult } from '../src/engine/results';
import { observeLongTasks, type LongTask } from './fixtures';
import { LabPage } from './pages/LabPage';

const COUNT = 5000;
const LIMIT_MS = 200;

/** An export of COUNT finished runs, each its own config (the learning rate differs). */
function bigExport(): string {
  const runs = Array.from({ length: COUNT }, (_, i) => {
    const lr = 0.05 + i * 1e-5;
    const config = makeConfig({ name: `lr ${lr.toFixed(5)}`, model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: 16, trainLimit: 128 }, optim: { batchSize: 32, lr }, run: { epochs: 1, seed: 1 } });
    const top1 = 0.2 + 0.6 * ((i * 7919) % COUNT) / COUNT;
    const result: RunResult = {
      schemaVersion: 1,
      app: { name: 'trick-lab', version: '0.1.0' },
      config,
      dataset: { name: 'synthetic (seed 1)', trainCount: 128, valCount: 500, numClasses: 10 },
      environment: { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'generated', runtime: 'node' },
      status: 'finished',
      message: null,
      epochs: [{ epoch: 1, trainLoss: 2.2, trainAccuracy: 0.2, valLoss: 2.1, valTop1: top1, valTop5: 0.9, lr, seconds: 3, imagesPerSecond: 40 }],
      steps: [{ step: 4, epoch: 1, loss: 2.2, lr, imagesPerSecond: 40 }],
      final: { valTop1: top1, valTop5: 0.9, valLoss: 2.1, bestValTop1: top1, trainLoss: 2.2, trainAccuracy: 0.2 },
      timings: { startedAt: '2025-03-01T10:00:00.000Z', finishedAt: '2025-03-01T10:00:04.000Z', wallSeconds: 4, imagesPerSecond: 32 },
    };
    return { id: `big-${i}`, label: config.name, planKey: null, reference: i === 0, teacherRunId: null, result };
  });
  const file: LabExport = {
    format: 'trick-lab-ablation',
    schemaVersion: 1,
    app: { name: 'trick-lab', version: '0.1.0' },
    exportedAt: '2025-03-01T11:00:00.000Z',
    environment: { backend: null, userAgent: 'generated', runtime: 'node', appVersion: '0.1.0' },
    plan: null,
    runs,
  };
  return JSON.stringify(file);
}

const longTasksSince = (lab: LabPage, t: number): Promise<LongTask[]> => lab.page.evaluate((since) => window.__longTasks.filter((e) => e.startTime >= since), t);

test(`importing ${COUNT} configs and reloading: no main-thread task over ${LIMIT_MS} ms`, async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.addInitScript(observeLongTasks);
  const lab = new LabPage(page);
  await lab.open('?backend=cpu');
  const text = bigExport();

  // Handing Chromium a 12 MB file through the test driver is itself one long task (no page
  // script runs in it), so the count starts once the file input holds the file.
  await lab.importFiles([{ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(text) }]);
  const t0 = await page.evaluate(() => performance.now());
  await expect(lab.lastNoticeText()).toHaveText(`big.json: ${COUNT} runs imported.`, { timeout: 120_000 });
  await expect(page.getByTestId('lab-results-count')).toContainText(`${COUNT} configs.`, { timeout: 60_000 });
  // Let the charts and table settle before reading the observer.
  await page.waitForTimeout(1000);
  const onImport = await longTasksSince(lab, t0);
  const report = (tasks: LongTask[]) => tasks.map((t) => Math.round(t.duration)).join(', ');
  console.log(`long tasks on import: [${report(onImport)}] ms`);
  if (process.env.LAB_SCALE_FRAMES) console.log(JSON.stringify(await page.evaluate((t) => window.__slowFrames.filter((f) => f.startTime >= t), t0), null, 1));
  // The charts draw the reference and the 4 highest and 4 lowest Δ; the table renders only rows near the view.
  await expect(page.getByTestId('lab-chart-accuracy').locator('.lab-legend-item')).toHaveCount(9);
  expect(await lab.resultRows.count()).toBeLessThan(100);

  // The reload is counted from the lab's first render, before its runs are read back: the app's
  // own start (its bundle and first render, the same for an empty lab) is not the lab's size.
  await page.reload();
  await page.getByTestId('lab-view').waitFor();
  const t1 = await page.evaluate(() => performance.now());
  await expect(page.getByTestId('lab-results-count')).toContainText(`${COUNT} configs.`, { timeout: 120_000 });
  await page.waitForTimeout(1000);
  const onReload = await longTasksSince(lab, t1);
  console.log(`long tasks on reload: [${report(onReload)}] ms`);
  if (process.env.LAB_SCALE_FRAMES) console.log(JSON.stringify(await page.evaluate(() => window.__slowFrames), null, 1));
  expect(onImport.filter((t) => t.duration > LIMIT_MS), `import: ${report(onImport)}`).toEqual([]);
  expect(onReload.filter((t) => t.duration > LIMIT_MS), `reload: ${report(onReload)}`).toEqual([]);
  await context.close();
});
