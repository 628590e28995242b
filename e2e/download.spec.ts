// Downloading a dataset in the page: this site's /datasets/ list (index.json), a stored copy that
// loads after a reload without a request, progress / cancel / resume against a slow server,
// and clear messages for a server without CORS headers and a 404. Each test has its own browser
// context (empty Cache Storage); nothing trains, so no shaders are compiled.
import { expect, test, type Page } from '@playwright/test';
import { formatBytes } from '../src/data/format';
import { cifarSample } from '../test/support/cifarSample';
import { startTestServer, type TestServer } from '../test/support/testServer';
import { BASE_URL } from './pages/TrickLabPage';

const sample = cifarSample();
const SAMPLE_NAME = 'CIFAR-10 (data_batch_1, no test_batch)';

async function open(page: Page): Promise<void> {
  await page.goto(BASE_URL);
  await expect(page.getByTestId('dataset-name')).toContainText('synthetic', { timeout: 60_000 });
}

/** Picks "Another URL…", types `url` and starts. */
async function downloadUrl(page: Page, url: string): Promise<void> {
  await page.getByTestId('download-source').selectOption('other');
  await page.getByTestId('download-url').fill(url);
  await page.getByTestId('download-start').click();
}

test("lists this site's dataset, stores it, loads it again after a reload without a request, removes it", async ({ browser }) => {
  const body = Buffer.from(sample.bytes);
  const context = await browser.newContext();
  const page = await context.newPage();
  let requests = 0;
  const entry = { id: 'cifar10', name: 'CIFAR-10', file: 'cifar-10-binary.tar.gz', bytes: body.length, md5: '0'.repeat(32), source: 'test', downloadedAt: '' };
  await page.route('**/datasets/index.json', (route) => route.fulfill({ json: { version: 1, datasets: [entry] } }));
  await page.route('**/datasets/cifar-10-binary.tar.gz', (route) => {
    requests++;
    return route.fulfill({ body, contentType: 'application/gzip' });
  });
  await open(page);
  await expect(page.getByTestId('download-source').locator('option').first()).toHaveText('CIFAR-10 (this site: cifar-10-binary.tar.gz)');
  await page.getByTestId('download-start').click();
  await expect(page.getByTestId('dataset-name')).toHaveText(SAMPLE_NAME, { timeout: 60_000 });
  await expect(page.getByTestId('dataset-train-count')).toHaveText(String(sample.trainCount));
  await expect(page.getByTestId('stored-total')).toHaveText(`Stored in this browser: ${formatBytes(body.length)}`);
  expect(requests).toBe(1);

  await open(page); // a later visit
  await expect(page.getByTestId('download-start')).toHaveText('Load stored copy');
  await page.getByTestId('download-start').click();
  await expect(page.getByTestId('dataset-name')).toHaveText(SAMPLE_NAME, { timeout: 60_000 });
  await expect(page.getByTestId('download-note')).toContainText("read from this browser's storage");
  expect(requests).toBe(1);

  await page.getByTestId('stored-remove').click();
  await expect(page.getByTestId('stored-list')).toHaveCount(0);
  await expect(page.getByTestId('download-start')).toHaveText('Download and load');
  await context.close();
});

test('shows progress, cancels and resumes a slow download; explains a missing CORS header and a 404', async ({ browser }) => {
  const body = sample.bytes;
  const server: TestServer = await startTestServer({
    // About 3 s whatever the sample's size, so Cancel lands mid-download.
    '/slow/cifar-10-binary.tar.gz': { body, ranges: true, chunkBytes: Math.ceil(body.length / 50), delayMs: 60 },
    '/private/cifar-10-binary.tar.gz': { body, cors: false },
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await open(page);
    await downloadUrl(page, `${server.origin}/slow/cifar-10-binary.tar.gz`);
    await expect(page.getByTestId('download-progress-text')).toHaveText(new RegExp(`^[\\d.]+ [KM]?B of ${formatBytes(body.length).replace('.', '\\.')} · [\\d.]+ [KM]?B/s · .+ left$`));
    await page.getByTestId('download-cancel').click();
    await expect(page.getByTestId('download-error')).toHaveText(/^Download of cifar-10-binary\.tar\.gz cancelled after [\d.]+ [KM]?B\.$/);
    await page.getByTestId('download-retry').click(); // "Resume from … MB"
    await expect(page.getByTestId('dataset-name')).toHaveText(SAMPLE_NAME, { timeout: 90_000 });
    // Two requests: the first, and the resume from where it was cancelled (appended, not restarted).
    const ranges = server.requests.filter((r) => r.path === '/slow/cifar-10-binary.tar.gz').map((r) => r.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeNull();
    expect(ranges[1]).toMatch(/^bytes=[1-9]\d*-$/);

    await downloadUrl(page, `${server.origin}/private/cifar-10-binary.tar.gz`);
    await expect(page.getByTestId('download-error')).toContainText('the server does not allow downloads from other sites (it sends no CORS headers)');
    await expect(page.getByTestId('download-error')).toContainText('drop it on the page');

    await downloadUrl(page, `${server.origin}/missing/cifar-100-binary.tar.gz`);
    await expect(page.getByTestId('download-error')).toContainText('The server answered 404 Not Found');
    await expect(page.getByTestId('download-error')).toContainText('`npm run data -- cifar100`');
    await expect(page.getByTestId('dataset-name')).toHaveText(SAMPLE_NAME); // the loaded dataset stays
  } finally {
    await context.close();
    await server.close();
  }
});
