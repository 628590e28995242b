// Two tabs on one lab (one browser context, so one IndexedDB): the first owns the queue and
// trains each run once; the second follows it live, and while it is stale (it stopped hearing
// the other tab: ?faults=1) its Cancel and Move up on runs that finished meanwhile are refused;
// closing the owner offers Take over, and the queue then runs in the second tab; a fresh tab
// shows every finished result and exports them all. CPU backend, tiny runs.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';

interface TabsHook {
  trickLabTabs: { setDeaf(on: boolean): void; started(): string[] };
}
const setDeaf = (page: Page, on: boolean) => page.evaluate((d) => (window as unknown as TabsHook).trickLabTabs.setDeaf(d), on);
const started = (page: Page) => page.evaluate(() => (window as unknown as TabsHook).trickLabTabs.started());
const owner = (lab: LabPage) => lab.page.getByTestId('lab-queue-owner');

test('one lab in two tabs: each run trains once, a stale tab cannot undo a finished run, the queue is handed over', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const a = new LabPage(await context.newPage());
  await a.open('?backend=cpu&faults=1');
  await a.configureTiny({ seeds: 3 });
  await a.queuePlan();
  // The first run trains; the other two wait while the queue is paused.
  await a.page.getByRole('button', { name: 'Pause queue' }).click();
  await expect(owner(a)).toHaveCount(0);

  const b = new LabPage(await context.newPage());
  await b.open('?backend=cpu&faults=1');
  await expect(owner(b)).toHaveAttribute('data-owner', 'elsewhere');
  await expect(b.runs).toHaveCount(3);
  await expect.poll(() => b.statuses()).toEqual([expect.stringMatching(/^(running|finished)$/), 'queued', 'queued']);
  // Opening B interrupted nothing: the first run finishes in A, and B shows it.
  await expect(a.runs.first()).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
  await expect.poll(() => b.statuses(), { timeout: 10_000 }).toEqual(['finished', 'queued', 'queued']);

  // B stops hearing A, then A runs the rest of the queue.
  await setDeaf(b.page, true);
  await a.page.getByTestId('lab-run-queue').click();
  await a.expectAll('finished', 3);
  expect(await b.statuses()).toEqual(['finished', 'queued', 'queued']);

  await b.runs.nth(1).getByRole('button', { name: 'Cancel' }).click();
  await expect(b.lastNoticeText()).toHaveText(/^"baseline" \(seed \d+\) has finished \(in another tab or before\): it was not cancelled\.$/);
  await expect(b.runs.nth(1)).toHaveAttribute('data-status', 'finished');
  await b.runs.nth(2).getByRole('button', { name: 'Move up' }).click();
  await expect(b.lastNoticeText()).toHaveText(/has finished \(in another tab or before\): only queued runs move\.$/);
  await expect.poll(() => b.statuses()).toEqual(['finished', 'finished', 'finished']);
  await setDeaf(b.page, false);

  // Each run trained once, in the tab that owns the queue.
  const ids = await a.runs.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
  expect(await started(a.page)).toEqual(ids);
  expect(await started(b.page)).toEqual([]);

  // Closing the owner hands the queue over.
  await a.page.close();
  await expect(owner(b)).toHaveAttribute('data-owner', 'gone', { timeout: 15_000 });
  await b.page.getByTestId('lab-take-over').click();
  await expect(owner(b)).toHaveCount(0);
  await b.configureTiny({ seeds: 1 });
  await b.queuePlan();
  await b.expectAll('finished', 4);
  expect(await started(b.page)).toHaveLength(1);

  // A fresh tab shows every finished result and exports them all.
  const c = new LabPage(await context.newPage());
  await c.open('?backend=cpu');
  await expect(owner(c)).toHaveAttribute('data-owner', 'elsewhere');
  await c.expectAll('finished', 4, 10_000);
  const { data } = await c.exportLab();
  expect(data.runs).toHaveLength(4);
  expect(data.runs.map((r) => r.result?.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
  await context.close();
});
