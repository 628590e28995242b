// The main thread never blocks while training: a long-task observer registered before the app
// loads sees no task over 100 ms from Start to the end of a tiny run (charts included).
import { expect, test } from './fixtures';

test('no long task over 100 ms on the main thread during training', async ({ app, longTasks }) => {
  await app.configure();
  const t0 = await longTasks.now();
  await app.runToCompletion();
  await app.expectChartFilled('accuracy-chart', 1, 5_000);
  const tasks = await longTasks.since(t0);
  const over = tasks.filter((t) => t.duration > 100);
  const frames = over.length > 0 ? await longTasks.slowFramesSince(t0) : [];
  expect(over, `long tasks: ${JSON.stringify(tasks)}; slow frames: ${JSON.stringify(frames)}`).toEqual([]);
});
