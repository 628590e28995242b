// The main thread never blocks: a long-task observer registered before the app loads sees no
// task over 100 ms from navigation to the first interaction (the page's main chunk carries no
// tfjs; the worker loads it off the main thread), nor from Start to the end of a tiny run
// (charts included).
import { expect, observeLongTasks, test } from './fixtures';
import { BASE_URL } from './pages/TrickLabPage';

test('no long task over 100 ms from navigation to the first interaction', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(observeLongTasks);
    await page.goto('/');
    const toggle = page.getByRole('checkbox', { name: 'Label smoothing' });
    await toggle.click();
    await expect(toggle).toBeChecked();
    const tasks = await page.evaluate(() => window.__longTasks);
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    testInfo.annotations.push({ type: 'longest task at load', description: `${Math.round(longest)} ms (${tasks.length} over 50 ms)` });
    const frames = await page.evaluate(() => window.__slowFrames);
    expect(tasks.filter((t) => t.duration > 100), `long tasks: ${JSON.stringify(tasks)}; slow frames: ${JSON.stringify(frames)}`).toEqual([]);
  } finally {
    await context.close();
  }
});

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
