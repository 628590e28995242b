// CIFAR-10 from the Hugging Face Hub's Parquet files, in the page, against a local server that
// answers like the Hub (tree listing with SHA-256, resolve URL → 302 → storage). The files are
// made in the test from real CIFAR images (test/support/cifarSample.ts). With CORS: progress,
// the images decoded by the browser in the worker byte for byte (the kept copy in Cache Storage
// is compared with the same set packed in Node), and a later visit loads it by itself with no
// request.
// Without CORS, and with a truncated or mismatched file: a message naming the problem, and the
// synthetic set stays loaded. Nothing trains.
import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { CACHE_NAME } from '../src/data/datasetStore';
import { HUB_DATASETS } from '../src/data/hubSource';
import { packDataset } from '../src/engine/data/packedDataset';
import type { Dataset } from '../src/engine/data/types';
import { HUB_TEST_FILE as TEST, HUB_TRAIN_FILE as TRAIN, hubCifar10Fixture } from '../test/support/hubFixture';
import { hubRoutes } from '../test/support/hubServer';
import { startTestServer } from '../test/support/testServer';
import { BASE_URL } from './pages/TrickLabPage';

const CIFAR10 = HUB_DATASETS[0];
const { train, test: heldOut, files } = hubCifar10Fixture(150, 50);

async function open(page: Page): Promise<void> {
  await page.goto(`${BASE_URL}/?backend=cpu`);
  await expect(page.getByTestId('dataset-name')).toContainText('synthetic', { timeout: 60_000 });
}

async function download(page: Page, url: string): Promise<void> {
  await page.getByTestId('download-source').selectOption('other');
  await page.getByTestId('download-url').fill(url);
  await page.getByTestId('download-start').click();
}

test('downloads CIFAR-10 from a Hub-like server through its redirect, decodes it exactly, and loads it again without a request', async ({ browser }) => {
  const server = await startTestServer(hubRoutes(CIFAR10, files, { chunkBytes: 16 * 1024, delayMs: 40 }));
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await open(page);
    await expect(page.getByTestId('download-source').locator('option').first()).toHaveText('CIFAR-10 (Hugging Face, 144 MB, Parquet)');
    const url = `${server.origin}/datasets/uoft-cs/cifar10`;
    await download(page, url);
    const total = files.reduce((n, f) => n + f.bytes.length, 0);
    await expect(page.getByTestId('download-progress-text')).toHaveText(new RegExp(`^[\\d.]+ KB of ${(total / 1024).toFixed(1)} KB · [\\d.]+ KB/s · .+ left$`));
    await expect(page.getByTestId('dataset-name')).toHaveText('CIFAR-10', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-train-count')).toHaveText('150');
    await expect(page.getByTestId('dataset-status')).toContainText('50 test images');
    await expect(page.getByTestId('download-note')).toContainText('SHA-256 of each file checked against the Hub');
    await expect(page.getByTestId('dataset-note')).toHaveText(/^Kept in this browser \([\d.]+ KB\): the next visit loads it without the network\.$/);
    await expect(page.getByTestId('stored-list')).toContainText('CIFAR-10 (Hugging Face)');
    // Both files went through the 302, and no request asked for a range.
    expect(server.requests.filter((r) => r.path.startsWith('/datasets/')).map((r) => r.path)).toEqual([`/datasets/uoft-cs/cifar10/resolve/main/plain_text/${TRAIN}`, `/datasets/uoft-cs/cifar10/resolve/main/plain_text/${TEST}`]);
    expect(server.requests.every((r) => r.range === null)).toBe(true);

    // What the browser decoded (createImageBitmap in the worker) is what the files were made from.
    const expected: Dataset = { name: 'CIFAR-10', id: 'cifar10', classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'], train, test: heldOut };
    const hash = createHash('sha256');
    for (const part of packDataset(expected)) hash.update(part);
    const stored = await page.evaluate(
      async ([name, key]) => {
        const response = await (await caches.open(name)).match(key);
        const digest = await crypto.subtle.digest('SHA-256', await response!.arrayBuffer());
        return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
      },
      [CACHE_NAME, url],
    );
    expect(stored).toBe(hash.digest('hex'));

    // A later visit: the page starts on the synthetic set, then loads the kept copy by itself,
    // with no request at all; picking it again says it is stored.
    const before = server.requests.length;
    await page.goto(`${BASE_URL}/?backend=cpu`);
    await expect(page.getByTestId('dataset-name')).toHaveText('CIFAR-10', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-note')).toHaveText("CIFAR-10 (Hugging Face) was read from this browser's storage (no download).");
    await page.getByTestId('download-source').selectOption('other');
    await page.getByTestId('download-url').fill(url);
    await expect(page.getByTestId('download-start')).toHaveText('Load stored copy');
    expect(server.requests.length).toBe(before);
    // Removed from the browser: the next visit stays on the synthetic set.
    await page.getByTestId('stored-remove').click();
    await expect(page.getByTestId('stored-list')).toHaveCount(0);
    await open(page);
    await page.waitForTimeout(1000);
    await expect(page.getByTestId('dataset-name')).toContainText('synthetic');
  } finally {
    await context.close();
    await server.close();
  }
});

test('explains a Hub-like server without CORS, a truncated file and a mismatched one, keeping the loaded dataset', async ({ browser }) => {
  const cut = files[0].bytes.subarray(0, Math.floor(files[0].bytes.length / 2));
  const withTruncated = [{ name: TRAIN, bytes: cut }, files[1]];
  // Three servers: no CORS; a truncated train file whose listing matches it; a listing that disagrees.
  const private_ = await startTestServer(hubRoutes(CIFAR10, files, { cors: false }));
  const truncated = await startTestServer(hubRoutes(CIFAR10, withTruncated));
  const mismatched = await startTestServer(hubRoutes(CIFAR10, files, { publish: (f) => (f.name === TEST ? { ...f, bytes: f.bytes.subarray(1) } : f) }));
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await open(page);
    await download(page, `${private_.origin}/datasets/uoft-cs/cifar10`);
    await expect(page.getByTestId('download-error')).toContainText(`Could not download ${TRAIN} from ${new URL(private_.origin).host}`);
    await expect(page.getByTestId('download-error')).toContainText('the server does not allow downloads from other sites (it sends no CORS headers)');

    await download(page, `${truncated.origin}/datasets/uoft-cs/cifar10`);
    await expect(page.getByTestId('dataset-error')).toHaveText(
      `${TRAIN} is cut short (${cut.length} bytes, and the end of a Parquet file, where its table of contents is, is missing): download it again.`,
      { timeout: 60_000 },
    );
    await expect(page.getByTestId('dataset-name')).toContainText('synthetic');

    await download(page, `${mismatched.origin}/datasets/uoft-cs/cifar10`);
    await expect(page.getByTestId('download-error')).toContainText(`${TEST} from ${mismatched.origin} does not match what the Hub publishes for it`);
    await expect(page.getByTestId('download-retry')).toHaveText('Try again');
    await expect(page.getByTestId('dataset-name')).toContainText('synthetic');
  } finally {
    await context.close();
    await Promise.all([private_.close(), truncated.close(), mismatched.close()]);
  }
});
