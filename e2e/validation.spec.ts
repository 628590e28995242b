// A config the worker rejects comes back naming its field: the message shows beside that
// input and in the run panel, and nothing starts; so does a run too big for the device.
import { expect, test } from './fixtures';
import { LabPage } from './pages/LabPage';

test('a rejected setting is named beside its field and nothing starts', async ({ app }) => {
  await app.configure({ batchSize: 1000, trainLimit: 128 });
  await app.start();
  const batch = app.page.getByLabel('Batch size');
  await expect(batch).toHaveAttribute('aria-invalid', 'true');
  await expect(app.runError).toContainText('optim.batchSize');
  await expect(app.page.getByText(/optim\.batchSize: 1000 is larger than/).first()).toBeVisible();
  await app.expectPhase('idle');
  await expect(app.startButton).toBeEnabled();
});

test('a run too big for the device is refused beside the batch size, with a size to try', async ({ app }) => {
  // 4,096 images of 64×64 at width ×8: an 8 GiB first activation, over any WebGPU buffer limit.
  await app.configure({ batchSize: 4096, trainLimit: 4096, resolution: 64, width: 8 });
  await app.start();
  await expect(app.page.getByLabel('Batch size')).toHaveAttribute('aria-invalid', 'true');
  await expect(app.runError).toHaveText(
    /^Out of memory: a batch of 4096 images at 64×64 needs a 8\.0 GiB activation buffer, and this device allows [\d.]+ (GiB|MiB) per buffer\. To fit it, lower the batch size \(optim\.batchSize, now 4096; try \d+\)/,
  );
  await app.expectPhase('idle');
  // The page carries on: a run that fits trains.
  await app.configure({ trainLimit: 64 });
  await app.runToCompletion();
});

test('a billion epochs typed in does not freeze the page, and Start names the field', async ({ app }) => {
  const epochs = app.page.getByLabel('Epochs');
  // The LR chart used to read every step of the schedule (39 billion here): the page stopped answering.
  await epochs.fill('1000000000', { timeout: 5_000 });
  const answered = await Promise.race([
    app.page.evaluate(() => 'answered'),
    new Promise<string>((resolve) => setTimeout(() => resolve('frozen for 5 s'), 5_000)),
  ]);
  expect(answered).toBe('answered');
  await app.start();
  await expect(epochs).toHaveAttribute('aria-invalid', 'true');
  await expect(app.runError).toContainText('run.epochs');
  await app.expectPhase('idle');
});

test("the lab's seeds per config out of range is said beside the box while the plan keeps its seeds", async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const seeds = page.getByTestId('lab-seeds');
  await seeds.fill('-2');
  await expect(seeds).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('must be between 1 and 20 (got -2)')).toBeVisible();
  await expect(page.getByTestId('lab-queue-plan')).toHaveText(/Queue 2 runs/);
  await seeds.fill('3');
  await expect(seeds).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/must be between 1 and 20/)).toHaveCount(0);
});
