// An interrupted run resumes: reload the page while a lab run trains; the run shows as
// interrupted with its last epoch checkpoint, and "Resume" finishes it from there (the epochs
// before the checkpoint are kept, not trained again). CPU backend, as in lab.spec.ts.
import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('a run interrupted by a reload resumes from its last epoch checkpoint', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const lab = new LabPage(await context.newPage());
  await lab.open('?backend=cpu');
  // One run of 6 epochs, long enough to reload in the middle.
  await lab.configureTiny({ epochs: 6, seeds: 1 });
  await lab.queuePlan();
  const run = lab.runs.first();
  await expect(run).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  // The planned schedule marks where the running run is.
  await expect(lab.page.getByTestId('lab-schedule-position')).toBeVisible();
  expect(Number(await lab.page.getByTestId('lab-schedule-position').getAttribute('data-step'))).toBeGreaterThan(0);
  await expect.poll(async () => Number(await run.getAttribute('data-checkpoint')), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);

  await lab.reload();
  await expect(run).toHaveAttribute('data-status', 'interrupted');
  const checkpoint = Number(await run.getAttribute('data-checkpoint'));
  expect(checkpoint).toBeGreaterThanOrEqual(1);
  expect(checkpoint).toBeLessThan(6);
  await expect(run.getByTestId('lab-run-status')).toContainText(`checkpoint after epoch ${checkpoint}`);
  // The epochs up to the checkpoint are still charted after the reload.
  expect(Number(await run.getAttribute('data-epochs'))).toBeGreaterThanOrEqual(checkpoint);

  await run.getByRole('button', { name: 'Resume' }).click();
  await expect(run).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
  await expect(run).toHaveAttribute('data-epochs', '6');

  const { data } = await lab.exportLab();
  const result = data.runs[0].result;
  expect(result.status).toBe('finished');
  expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
  // One step sample per logged step: none lost or repeated across the interruption.
  const steps = result.steps.map((s) => s.step);
  expect(new Set(steps).size).toBe(steps.length);
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  await context.close();
});
