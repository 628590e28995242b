/**
 * The test fixtures. Compiling the model's WebGPU shaders on SwiftShader takes most of a
 * minute, and the compiled pipelines live in the page's training worker; so every spec of a
 * Playwright worker shares ONE page (a worker-scoped fixture), and `app` brings it back to a
 * known state (no live run, the embedded dataset) before each test. A long-task observer is
 * registered with page.addInitScript before the app loads, behind a typed in-page probe.
 */
import { test as base, type Page } from '@playwright/test';
import { BASE_URL, TrickLabPage } from './pages/TrickLabPage';

export interface LongTask {
  startTime: number;
  duration: number;
}

/** A long animation frame's scripts, to say what a long task was (diagnostics only). */
export interface SlowFrame {
  startTime: number;
  duration: number;
  scripts: string[];
}

declare global {
  interface Window {
    __longTasks: LongTask[];
    __slowFrames: SlowFrame[];
  }
}

/**
 * Runs in the page before its scripts: records every long task (> 50 ms) the browser reports,
 * and which scripts ran in frames over 100 ms (Long Animation Frames API, where supported).
 */
export function observeLongTasks(): void {
  window.__longTasks = [];
  window.__slowFrames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ startTime: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  if (!PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) return;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { scripts?: { invoker: string; sourceFunctionName: string; duration: number }[] })[]) {
      if (e.duration <= 100) continue;
      const scripts = (e.scripts ?? []).map((s) => `${s.invoker} ${s.sourceFunctionName} ${Math.round(s.duration)}ms`);
      window.__slowFrames.push({ startTime: e.startTime, duration: e.duration, scripts });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

export interface LongTaskProbe {
  /** performance.now() in the page. */
  now(): Promise<number>;
  /** Long tasks that started at or after `since` (page time, ms). */
  since(since: number): Promise<LongTask[]>;
  /** Frames over 100 ms since `since`, with the scripts that ran in them. */
  slowFramesSince(since: number): Promise<SlowFrame[]>;
}

export const test = base.extend<{ app: TrickLabPage; longTasks: LongTaskProbe }, { sharedPage: Page }>({
  sharedPage: [
    async ({ browser }, use) => {
      const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      await page.addInitScript(observeLongTasks);
      await use(page);
      await context.close();
    },
    { scope: 'worker' },
  ],
  app: async ({ sharedPage }, use, testInfo) => {
    const app = new TrickLabPage(sharedPage);
    await app.ensureReady();
    await use(app);
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('screenshot', { body: await sharedPage.screenshot({ fullPage: true }), contentType: 'image/png' });
    }
  },
  longTasks: async ({ sharedPage }, use) => {
    await use({
      now: () => sharedPage.evaluate(() => performance.now()),
      since: (since) => sharedPage.evaluate((t) => window.__longTasks.filter((e) => e.startTime >= t), since),
      slowFramesSince: (since) => sharedPage.evaluate((t) => window.__slowFrames.filter((e) => e.startTime >= t), since),
    });
  },
});

export { expect } from '@playwright/test';
