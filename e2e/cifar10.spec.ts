// Real CIFAR-10 from a file: the test sample (test/support/cifarSample.ts: the shared 10,000
// images or the committed 200, in the official binary layout) loads and trains; a truncated archive shows a clear message, leaves the previous
// dataset loaded, and the app still trains; files dropped on the page take the same path; a
// gzip bomb and a tar entry that climbs out of the archive are refused the same way.
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { cifarSample } from '../test/support/cifarSample';
import { gzipBomb } from '../test/support/fuzz/bombs';
import { expect, test } from './fixtures';

const sample = cifarSample();

test('loads the CIFAR-10 sample and trains a tiny run on it', async ({ app }) => {
  await app.chooseFiles(sample.path);
  await expect(app.datasetName).toContainText('CIFAR-10', { timeout: 60_000 });
  await expect(app.datasetTrainCount).toHaveText(String(sample.trainCount));
  await app.configure();
  await app.runToCompletion();
  const result = await app.downloadResults();
  expect(result.config.data.dataset).toBe('cifar10');
  expect(result.dataset.name).toContain('CIFAR-10');
  expect(result.dataset.numClasses).toBe(10);
  expect(result.epochs).toHaveLength(1);
});

test('a truncated archive shows a clear message and the app keeps working', async ({ app }) => {
  await app.chooseFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(sample.bytes.subarray(0, 50_000)) });
  await expect(app.datasetError).toBeVisible({ timeout: 30_000 });
  await expect(app.datasetError).toContainText('cifar-10-binary.tar.gz');
  await expect(app.datasetName).toContainText('synthetic'); // the previous dataset stays loaded

  await app.configure({ trainLimit: 64 });
  await app.runToCompletion();
});

test('dropped files go to the same loader', async ({ app }) => {
  await app.dropFiles([{ name: 'data_batch_1.bin', bytes: Buffer.alloc(100, 7) }]);
  await expect(app.datasetError).toContainText('data_batch_1.bin', { timeout: 30_000 });
  await expect(app.datasetName).toContainText('synthetic');
});

test('hostile archives (a gzip bomb, a tar entry climbing out with ../) are refused; the page keeps its dataset and trains', async ({ app }) => {
  const bomb = Buffer.from(gzipBomb(1024 ** 3)); // 1 GiB of zeros in about 1 MB
  const started = Date.now();
  await app.chooseFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: bomb });
  await expect(app.datasetError).toHaveText(/cifar-10-binary\.tar\.gz unpacks to more than 400 MB, more than any CIFAR-10\/100 download; refusing to unpack it further\./, { timeout: 60_000 });
  expect(Date.now() - started).toBeLessThan(60_000);
  await expect(app.datasetName).toContainText('synthetic');

  const record = Buffer.alloc(3073, 3);
  const climbing = gzipSync(createTar([{ name: '../data_batch_1.bin', data: new Uint8Array(record) }]));
  await app.chooseFiles({ name: 'evil.tar.gz', mimeType: 'application/gzip', buffer: climbing });
  await expect(app.datasetError).toContainText('evil.tar.gz', { timeout: 30_000 });
  await expect(app.datasetName).toContainText('synthetic');

  await app.configure({ trainLimit: 64 });
  await app.runToCompletion();
});
