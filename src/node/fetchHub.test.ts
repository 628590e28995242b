// `npm run data -- --source hf` against a local server that answers like the Hub (a 302 from the
// resolve URL to storage, SHA-256 in the tree listing): the Parquet files land in <out>/cifar10-hf/,
// a second run finds them and downloads nothing, and `--data <that folder>` loads the images the
// files were made from. A file that does not match the listing is refused.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hubParquetOf } from '../../test/support/hfParquet';
import { hubRoutes } from '../../test/support/hubServer';
import { PATTERN } from '../../test/support/testFixtures';
import { startTestServer } from '../../test/support/testServer';
import { HUB_DATASETS, type HubLocation } from '../data/hubSource';
import { fetchHubDataset } from './fetchHub';
import { loadDatasetFromPath } from './loadDataset';

const CIFAR10 = HUB_DATASETS[0];
const split = (count: number, seed: number) => ({
  images: Uint8Array.from({ length: count * 3072 }, (_, i) => PATTERN(Math.floor(i / 3072) + seed, i % 3, Math.floor(i / 3) % 1024)),
  labels: Uint8Array.from({ length: count }, (_, i) => (3 * i + seed) % 10),
  count,
});
const train = split(6, 0);
const test = split(2, 40);
const files = [
  { name: 'train-00000-of-00001.parquet', bytes: hubParquetOf(train) },
  { name: 'test-00000-of-00001.parquet', bytes: hubParquetOf(test) },
];
const out = mkdtempSync(join(tmpdir(), 'trick-lab-hub-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('fetchHubDataset', () => {
  it('downloads through the redirect, checks, writes, skips a second time, and the folder loads', async () => {
    const server = await startTestServer(hubRoutes(CIFAR10, files));
    try {
      const location: HubLocation = { dataset: CIFAR10, origin: server.origin, revision: 'main' };
      const log: string[] = [];
      const folder = await fetchHubDataset({ location, outDir: out, log: (l) => log.push(l) });
      expect(folder).toBe(join(out, 'cifar10-hf'));
      expect(readdirSync(folder).sort()).toEqual(['test-00000-of-00001.parquet', 'train-00000-of-00001.parquet']);
      expect(log.at(-1)).toBe('CIFAR-10: SHA-256 of each file checked against the Hub.');
      expect(server.requests.filter((r) => r.path.startsWith('/storage/'))).toHaveLength(2);

      await fetchHubDataset({ location, outDir: out, log: (l) => log.push(l) });
      expect(log.at(-1)).toBe(`CIFAR-10: the Parquet files in ${folder} match the SHA-256 the Hub publishes; not downloading them again.`);
      expect(server.requests.filter((r) => r.path.startsWith('/storage/'))).toHaveLength(2);

      const dataset = await loadDatasetFromPath(folder);
      expect(dataset.name).toBe('CIFAR-10');
      expect(dataset.train.images).toEqual(train.images);
      expect(Array.from(dataset.test!.labels)).toEqual(Array.from(test.labels));
    } finally {
      await server.close();
    }
  });

  it('refuses a file that does not match the listing', async () => {
    const server = await startTestServer(hubRoutes(CIFAR10, files, { publish: (f) => ({ ...f, bytes: f.bytes.subarray(1) }) }));
    try {
      const location: HubLocation = { dataset: CIFAR10, origin: server.origin, revision: 'main' };
      await expect(fetchHubDataset({ location, outDir: join(out, 'bad'), force: true })).rejects.toThrow(/^train-00000-of-00001\.parquet from http:\/\/127\.0\.0\.1:\d+ does not match what the Hub publishes for it/);
    } finally {
      await server.close();
    }
  });
});
