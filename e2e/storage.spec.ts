// The lab when browser storage fails, as a user meets it: IndexedDB full (every put throws a
// QuotaExceededError, as Chrome's does when the origin's quota is used up) or refused (open
// throws a SecurityError, as in a sandboxed or private context). The run still finishes, a
// banner says what is not saved and offers the export, the export holds the run, and the
// page stays usable. One tiny run on the CPU backend, as in lab.spec.ts.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LabPage } from './pages/LabPage';

/** Runs in the page before its scripts: every IndexedDB write fails as a full quota does. */
function fillTheQuota(): void {
  IDBObjectStore.prototype.put = function put(): IDBRequest<IDBValidKey> {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
}

/** Runs in the page before its scripts: IndexedDB refuses to open. */
function refuseStorage(): void {
  IDBFactory.prototype.open = function open(): IDBOpenDBRequest {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  };
}

const TINY = { trainLimit: 256, valLimit: 64, epochs: 2, seeds: 1 };

async function labWith(browser: Browser, baseURL: string | undefined, script: () => void): Promise<{ lab: LabPage; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const page: Page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(script);
  const lab = new LabPage(page);
  await lab.open('?backend=cpu');
  return { lab, errors, close: () => context.close() };
}

/** The page still answers: the planner still plans (one more trick, twice the configs). */
async function expectUsable(lab: LabPage): Promise<void> {
  await lab.chooseTricks(['labelSmoothing']);
  await expect(lab.page.getByTestId('lab-planned-count')).toHaveText('2');
}

test('storage full: the finished run is kept, the banner says so, and "Export now" saves it', async ({ browser, baseURL }) => {
  const { lab, errors, close } = await labWith(browser, baseURL, fillTheQuota);
  await lab.configureTiny(TINY);
  await lab.queuePlan();
  await lab.expectAll('finished', 1);

  await expect(lab.storageBanner).toHaveAttribute('data-kind', 'full');
  await expect.poll(() => lab.storageBannerText()).toContain('Browser storage is full: 1 finished run is not saved and will be lost when you close this tab.');
  expect(await lab.storageBannerText()).toContain("The weights of 1 run are not saved: after a reload it can't be used as a teacher or inspected.");
  await expect(lab.runs.first()).toHaveAttribute('data-unsaved', 'true');
  await expect(lab.runs.first().getByTestId('lab-run-unsaved')).toHaveText('not saved');
  // Not a notice among others: no per-write error notices pile up.
  await expect(lab.notices).toHaveCount(0);

  const { data } = await lab.exportLab('banner');
  expect(data.runs).toHaveLength(1);
  expect(data.runs[0].result.status).toBe('finished');
  expect(data.runs[0].result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  const runId = await lab.runs.first().getAttribute('data-run-id');
  expect(data.runs[0].id).toBe(runId);

  await expectUsable(lab);
  await expect(lab.storageBanner).toBeVisible();
  expect(errors).toEqual([]);
  await close();
});

test('storage unavailable: the lab runs in this tab only, says so from the start, and exports', async ({ browser, baseURL }) => {
  const { lab, errors, close } = await labWith(browser, baseURL, refuseStorage);
  await expect(lab.storageBanner).toHaveAttribute('data-kind', 'unavailable');
  expect(await lab.storageBannerText()).toBe(
    'Browser storage is unavailable: Runs live only in this tab. They will be lost when you close or reload it; export them to keep them. Queueing and running still work.',
  );
  await expect(lab.page.getByTestId('lab-storage-export')).toBeDisabled();
  await expect(lab.notices).toHaveCount(0);

  await lab.configureTiny(TINY);
  await lab.queuePlan();
  await lab.expectAll('finished', 1);
  await expect.poll(() => lab.storageBannerText()).toContain('1 finished run is not saved and will be lost when you close or reload it');
  const { data } = await lab.exportLab('banner');
  expect(data.runs.map((r) => r.result.status)).toEqual(['finished']);

  await expectUsable(lab);
  expect(errors).toEqual([]);
  await close();
});
