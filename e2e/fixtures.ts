/**
 * The test fixture: a TrickLabPage, and a typed in-page probe of long tasks (a PerformanceObserver
 * registered before any app script runs) so a spec can prove the main thread never blocked.
 */
import { test as base } from '@playwright/test';
import { TrickLabPage } from './pages/TrickLabPage';

export interface LongTask {
  startTime: number;
  duration: number;
}

declare global {
  interface Window {
    __longTasks: LongTask[];
  }
}

/** Runs in the page before its scripts: records every long task (> 50 ms) the browser reports. */
function observeLongTasks(): void {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ startTime: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

export interface LongTaskProbe {
  /** performance.now() in the page. */
  now(): Promise<number>;
  /** Long tasks that started at or after `since` (page time, ms). */
  since(since: number): Promise<LongTask[]>;
}

export const test = base.extend<{ app: TrickLabPage; longTasks: LongTaskProbe }>({
  longTasks: async ({ page }, use) => {
    await page.addInitScript(observeLongTasks);
    await use({
      now: () => page.evaluate(() => performance.now()),
      since: (since) => page.evaluate((t) => window.__longTasks.filter((e) => e.startTime >= t), since),
    });
  },
  app: async ({ page }, use) => {
    await use(new TrickLabPage(page));
  },
});

export { expect } from '@playwright/test';
