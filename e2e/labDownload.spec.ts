// The lab gets its own data: the planner's dataset picker downloads CIFAR-10 from the Hugging
// Face Hub in one click (a local server that answers as the Hub does, test/support/hubServer.ts)
// with progress, the plan records the set, and a reload of the lab loads it again from the
// browser's store with no request; then a CIFAR-10 archive opened with the picker's file input
// becomes the set the plan records. Nothing trains.
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { HUB_DATASETS, HUB_ORIGIN } from '../src/data/hubSource';
import { decodeSetup, shareCodeFromHash } from '../src/engine/lab/shareLink';
import type { PlanDataset } from '../src/engine/lab/planDataset';
import { FIXTURE } from '../test/support/cifarSample';
import { hubCifar10Fixture } from '../test/support/hubFixture';
import { routeHubTo, startHubServer } from '../test/support/hubServer';
import type { TestServer } from '../test/support/testServer';
import { LabPage } from './pages/LabPage';

const { files } = hubCifar10Fixture(150, 50);

/**
 * A lab page in its own context whose Hub requests go to a local Hub-like server holding the
 * fixture, opened on the CPU backend with the embedded set; `run` gets the pieces, and the
 * context and server are closed after it, whatever happens.
 */
async function withLabAndHub(
  browser: Browser,
  baseURL: string | undefined,
  serverOptions: Parameters<typeof startHubServer>[2],
  run: (env: { lab: LabPage; page: Page; hub: TestServer; picker: Locator; id: (t: string) => Locator; recorded: () => Promise<PlanDataset | null | undefined> }) => Promise<void>,
): Promise<void> {
  const hub = await startHubServer(HUB_DATASETS[0], files, serverOptions);
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 } });
  try {
    await routeHubTo(context, hub);
    const lab = new LabPage(await context.newPage());
    const page = lab.page;
    const picker = page.getByTestId('lab-dataset');
    const id = (t: string) => picker.getByTestId(t);
    /** The dataset the plan in the address (#share=…) records. */
    const recorded = async () => decodeSetup(shareCodeFromHash(new URL(page.url()).hash) ?? '').plan?.dataset;
    await lab.open('?backend=cpu');
    await expect(id('lab-dataset-name')).toContainText('synthetic', { timeout: 30_000 });
    await run({ lab, page, hub, picker, id, recorded });
  } finally {
    await context.close();
    await hub.close();
  }
}

test("the planner's picker downloads CIFAR-10 from the Hub and opens a file; the plan records each", async ({ browser, baseURL }) => {
  await withLabAndHub(browser, baseURL, {}, async ({ lab, page, hub, picker, id, recorded }) => {
    await picker.getByText('Download CIFAR-10/100 or open files').click();
    await expect(id('download-source')).toHaveValue(`${HUB_ORIGIN}/datasets/uoft-cs/cifar10`);
    await id('download-start').click();
    await expect(id('download-progress-text')).toHaveText(/^[\d.]+ KB of [\d.]+ KB · [\d.]+ KB\/s · .+ left$/);
    await expect(id('lab-dataset-name')).toHaveText('CIFAR-10 (150 training, 50 test images)', { timeout: 60_000 });
    await expect(id('download-note')).toContainText('SHA-256 of each file checked against the Hub');
    expect(hub.requests.filter((r) => r.path.startsWith('/storage/'))).toHaveLength(2);
    await expect.poll(recorded).toEqual({ id: 'cifar10', name: 'CIFAR-10', trainCount: 150, testCount: 50 });
    // Kept in the browser: the picker offers it, and a reload loads it again with no request.
    await expect(id('lab-dataset-choice').locator('option')).toContainText(['CIFAR-10 (Hugging Face) (kept in this browser)']);
    const before = hub.requests.length;
    await lab.reload();
    await expect(id('lab-dataset-name')).toHaveText('CIFAR-10 (150 training, 50 test images)', { timeout: 60_000 });
    expect(hub.requests.length).toBe(before);

    // A file: the committed 200-image archive, opened with the picker's own file input.
    await picker.getByText('Download CIFAR-10/100 or open files').click();
    await id('lab-dataset-files').setInputFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: readFileSync(FIXTURE) });
    const name = 'CIFAR-10 (data_batch_1, no test_batch)';
    await expect(id('lab-dataset-name')).toHaveText(`${name} (200 training, no test split)`, { timeout: 60_000 });
    await expect.poll(recorded).toEqual({ id: 'cifar10', name, trainCount: 200, testCount: 0 });
    await expect(id('lab-dataset-mismatch')).toHaveCount(0);
    await expect(page.getByTestId('lab-queue-plan')).toBeEnabled();
  });
});

test('a download started in the lab goes on while the single-run tab is shown, and the plan records the set', async ({ browser, baseURL }) => {
  // Slow (4 KB every 60 ms), so the user is away and back while the files still arrive.
  await withLabAndHub(browser, baseURL, { chunkBytes: 4 * 1024, delayMs: 60 }, async ({ page, hub, picker, id, recorded }) => {
    await picker.getByText('Download CIFAR-10/100 or open files').click();
    await id('download-start').click();
    await expect(id('download-progress-text')).toHaveText(/^[\d.]+ KB of [\d.]+ KB · /);

    // Away: the lab's view is gone, the download is not.
    await page.getByTestId('tab-single').click();
    await expect(page.getByTestId('lab-view')).toHaveCount(0);
    const arrived = () => hub.requests.filter((r) => r.path.startsWith('/storage/')).length;
    await page.waitForTimeout(1_000);
    await page.getByTestId('tab-lab').click();
    // Back while the files still arrive: the section is open on the same download's progress.
    await expect(id('download-progress-text')).toHaveText(/^[\d.]+ KB of [\d.]+ KB · /);
    await expect(id('download-source')).toHaveValue(`${HUB_ORIGIN}/datasets/uoft-cs/cifar10`);
    await page.getByTestId('tab-single').click();

    // It finishes while the single-run page is shown: the set is loaded there, and the plan records it.
    await expect(page.getByTestId('baseline-summary')).toContainText('CIFAR-10', { timeout: 60_000 });
    await page.getByTestId('tab-lab').click();
    await expect(id('lab-dataset-name')).toHaveText('CIFAR-10 (150 training, 50 test images)', { timeout: 30_000 });
    await expect(id('download-note')).toContainText('SHA-256 of each file checked against the Hub');
    await expect.poll(recorded).toEqual({ id: 'cifar10', name: 'CIFAR-10', trainCount: 150, testCount: 50 });
    await expect(id('lab-dataset-mismatch')).toHaveCount(0);
    // One request per file: nothing was cancelled and started again.
    expect(arrived()).toBe(2);
  });
});
