// A tiny run on the embedded data: the charts fill, each step replays a compiled capture (the
// progress says so), Pause holds the step counter, Resume moves it on, Stop ends the run as
// 'stopped'.
import { expect, test } from './fixtures';

test('trains, pauses, resumes and stops a tiny run', async ({ app }) => {
  // 128 steps: room to pause mid-run however fast a step is (the run is stopped, not finished).
  await app.configure({ epochs: 8, trainLimit: 512 });
  await app.start();

  await app.expectChartFilled('loss-chart', 2, 150_000);
  await expect(app.imagesPerSecond).toHaveText(/\d img\/s/);
  await expect(app.eta).toHaveText(/^\d+ (s|min \d\d s|h \d\d min)$/);
  await expect(app.page.getByTestId('step-path')).toHaveText(/^compiled: \d+ dispatches, \d+ pipelines in one command buffer$/);
  await expect(app.page.getByTestId('precision-note')).toHaveCount(0); // FP16 is off

  await app.pauseButton.click();
  await app.expectPhase('paused');
  await app.page.waitForTimeout(4_000); // the step in flight when Pause was clicked may still land
  const pausedAt = await app.currentStep();
  await app.page.waitForTimeout(5_000); // about two steps' time on SwiftShader
  expect(await app.currentStep()).toBe(pausedAt);

  await app.resumeButton.click();
  await app.expectPhase('running');
  await expect.poll(() => app.currentStep(), { timeout: 60_000 }).toBeGreaterThan(pausedAt);

  await app.stopButton.click();
  await app.expectPhase('done');
  await expect(app.phase).toContainText('stopped');
  await expect(app.startButton).toBeEnabled();
  await expect(app.downloadButton).toBeEnabled();
});
