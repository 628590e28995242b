// Faults as a user would meet them, provoked in the built app opened with `?faults=1` (the
// worker then obeys window.trickLabFaults): a lost WebGPU device mid-run (the run is
// interrupted, WebGPU comes back on a new device and the run resumes from its epoch checkpoint
// to finish), a worker that throws or falls silent (the page says so, restarts it, and the
// interrupted run can be started again), and in the ablation lab a queue holding a run too big
// for the device, a run that diverges and a sound run (the first two end with their messages,
// the queue goes on, the third finishes). Each test has a fresh browser context.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';
import { TrickLabPage } from './pages/TrickLabPage';

async function freshPage(browser: Browser, baseURL: string | undefined): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors, close: () => context.close() };
}

const fault = (page: Page, name: 'lose-device' | 'hang' | 'throw') => page.evaluate((f) => (window as unknown as { trickLabFaults: (x: string) => void }).trickLabFaults(f), name);

test('a lost GPU device: the run is interrupted, WebGPU restarts on a new device and the run resumes from its checkpoint', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const { page, errors, close } = await freshPage(browser, baseURL);
  const app = new TrickLabPage(page);
  await page.goto('/?faults=1');
  await expect(app.backendName).toHaveText('webgpu', { timeout: 60_000 });
  await expect(app.datasetName).toBeVisible({ timeout: 60_000 });
  // 4 steps an epoch; enough epochs that the run is still going when the fault lands, however
  // fast a step is (a tiny step takes tens of milliseconds on SwiftShader since our conv kernels).
  const epochs = 20;
  await app.configure({ epochs });
  await app.start();
  // After epoch 1's checkpoint, the device goes.
  await expect.poll(() => app.currentStep(), { timeout: 150_000 }).toBeGreaterThanOrEqual(5);
  await fault(page, 'lose-device');
  const notice = page.getByTestId('run-notice');
  await expect(notice).toContainText(/The GPU was lost \(the device was destroyed.*\) at step \d+\. The run resumes from its checkpoint after epoch \d+\./, { timeout: 30_000 });
  const [, lostAt, checkpoint] = /at step (\d+)\. The run resumes from its checkpoint after epoch (\d+)\./.exec((await notice.textContent()) ?? '') ?? [];
  // A checkpoint after epoch k needs its 4k steps done.
  expect(Number(checkpoint)).toBeGreaterThanOrEqual(1);
  expect(4 * Number(checkpoint)).toBeLessThanOrEqual(Number(lostAt));
  expect(Number(checkpoint)).toBeLessThan(epochs);
  await expect(notice).toContainText(`The backend was restarted on a new GPU device. Resumed after epoch ${checkpoint}.`, { timeout: 60_000 });
  await app.expectPhase('done', 200_000);
  await expect(app.phase).toContainText('finished');
  await expect(app.backendName).toHaveText('webgpu');
  const result = await app.downloadResults();
  expect(result.status).toBe('finished');
  expect(result.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
  expect(errors).toEqual([]);
  await close();
});

test('a worker that throws is restarted; the page says so, and the run can be started again', async ({ browser, baseURL }) => {
  const { page, close } = await freshPage(browser, baseURL);
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu&faults=1');
  await expect(app.backendName).toHaveText('cpu', { timeout: 60_000 });
  await expect(app.datasetName).toBeVisible({ timeout: 60_000 });
  await app.configure({ epochs: 3 });
  await app.start();
  await expect.poll(() => app.currentStep(), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  await fault(page, 'throw');
  await expect(app.runError).toHaveText(/^The training worker stopped \(it threw an uncaught error: .*injected fault.*\) and was restarted\. The run was interrupted at step \d+; start it again\.$/, { timeout: 15_000 });
  await app.expectPhase('done');
  // The new worker is initialised and has the dataset again; the settings are as they were.
  await expect(app.backendName).toHaveText('cpu', { timeout: 60_000 });
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  await expect(page.getByLabel('Epochs')).toHaveValue('3');
  await app.configure({ epochs: 1 });
  await app.runToCompletion();
  await close();
});

test('a worker that falls silent is noticed by its missing heartbeat and restarted', async ({ browser, baseURL }) => {
  const { page, close } = await freshPage(browser, baseURL);
  const app = new TrickLabPage(page);
  await page.goto('/?faults=1&watchdog=3000');
  await expect(app.backendName).toHaveText('webgpu', { timeout: 60_000 });
  await expect(app.datasetName).toBeVisible({ timeout: 60_000 });
  await fault(page, 'hang');
  await expect(page.getByTestId('run-notice')).toHaveText(/^The training worker stopped \(no heartbeat for [3-9] s\) and was restarted\.$/, { timeout: 20_000 });
  await expect(app.backendName).toHaveText('webgpu', { timeout: 60_000 });
  await expect(app.datasetName).toContainText('synthetic', { timeout: 60_000 });
  await close();
});

test('the lab queue carries on past a run too big for the device and a diverging run', async ({ browser, baseURL }) => {
  const { page, errors, close } = await freshPage(browser, baseURL);
  const lab = new LabPage(page);
  await lab.open('?backend=cpu');
  // 4,096 images of 64×64 at width ×2: a step of about 200 GiB, over the 4 GiB a CPU step may take.
  await lab.configureTiny({ trainLimit: 4096, batchSize: 4096, seeds: 1 });
  await page.getByTestId('lab-resolution').selectOption('64');
  await page.getByTestId('lab-width').selectOption('2');
  await lab.queuePlan();
  // A learning rate of 10⁵ (weight decay alone multiplies weights by −49 a step) overflows by step 8.
  await lab.configureTiny({ seeds: 1, epochs: 3 });
  await page.getByTestId('lab-lr').fill('100000');
  await lab.queuePlan();
  await lab.configureTiny({ seeds: 1 });
  await page.getByTestId('lab-lr').fill('0.1');
  await lab.queuePlan();
  await expect.poll(() => lab.statuses(), { timeout: 120_000 }).toEqual(['failed', 'diverged', 'finished']);
  const messages = page.getByTestId('lab-run').locator('p.error');
  await expect(messages.nth(0)).toHaveText(/^Out of memory: one training step of a batch of 4096 images at 64×64 needs about [\d.]+ GiB \(activations kept for the backward pass [\d.]+ GiB, .*\), and training on the CPU is capped at 4\.0 GiB\. To fit it, lower the batch size \(optim\.batchSize, now 4096; try \d+\)/);
  await expect(messages.nth(1)).toHaveText(/^diverged at step \d+: the training loss is (NaN|Infinity|-Infinity|\d(\.\d)?e\+\d+, more than 10,000 times its start \(2\.30, a uniform guess over 10 classes\))$/);
  // The diverged run keeps its metrics so far (its logged steps), in the lab and in the export.
  const { data } = await lab.exportLab();
  const diverged = data.runs.find((r) => r.result.status === 'diverged');
  expect(diverged?.result.steps.length).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await close();
});
