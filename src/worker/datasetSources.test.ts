// The worker's dataset sources beyond the binary files: Hugging Face Parquet (sent by the page,
// or dropped as files), kept in the browser's store when asked and loaded back from it equal,
// and a stored copy that is gone or damaged named in the message (a damaged one is removed).
import { describe, expect, it } from 'vitest';
import { hubParquetOf } from '../../test/support/hfParquet';
import { MemoryCache } from '../../test/support/memoryCache';
import { PATTERN } from '../../test/support/testFixtures';
import { listStored } from '../data/datasetStore';
import type { ImageSplit } from '../engine/data/types';
import { readDatasetSource } from './datasetSources';

const KEY = 'https://huggingface.co/datasets/uoft-cs/cifar10';
const NAME = 'CIFAR-10 (Hugging Face)';

function split(count: number, seed: number): ImageSplit {
  const images = Uint8Array.from({ length: count * 3072 }, (_, i) => PATTERN(Math.floor(i / 3072) + seed, i % 3, Math.floor(i / 3) % 1024));
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => (i + seed) % 10), count };
}
const buffer = (b: Uint8Array) => b.slice().buffer;
const files = () => [
  { name: 'train-00000-of-00001.parquet', bytes: buffer(hubParquetOf(split(5, 0))) },
  { name: 'test-00000-of-00001.parquet', bytes: buffer(hubParquetOf(split(2, 9))) },
];

describe('readDatasetSource', () => {
  it('decodes Parquet, keeps the decoded set, and loads it back equal from the store', async () => {
    const cache = new MemoryCache();
    const progress: string[] = [];
    const loaded = await readDatasetSource({ kind: 'parquet', files: files(), storeAs: { key: KEY, name: NAME } }, { cache: async () => cache, progress: (m, d, t) => progress.push(`${m} ${d}/${t}`) });
    expect(loaded.dataset.name).toBe('CIFAR-10');
    expect(loaded.dataset.train.images).toEqual(split(5, 0).images);
    expect(progress).toEqual(['Decoding the images of train-00000-of-00001.parquet 5/5', 'Decoding the images of test-00000-of-00001.parquet 2/2']);
    // Listed under its name; 7 images and 7 labels plus the header.
    const stored = await listStored(cache);
    expect(stored.map((s) => s.name)).toEqual([NAME]);
    expect(stored[0].bytes).toBeGreaterThan(7 * 3073);
    expect(loaded.note).toMatch(/^Kept in this browser \(21\.\d KB\): the next visit loads it without the network\.$/);

    const again = await readDatasetSource({ kind: 'stored', key: KEY, name: NAME }, { cache: async () => cache });
    expect(again.dataset).toEqual(loaded.dataset);
    expect(again.note).toBe("CIFAR-10 (Hugging Face) was read from this browser's storage (no download).");
  });

  it('says so when nothing can be kept, and reads dropped .parquet files', async () => {
    const loaded = await readDatasetSource({ kind: 'parquet', files: files(), storeAs: { key: KEY, name: NAME } }, { cache: async () => null });
    expect(loaded.note).toBe('This browser offers no storage here, so the next visit downloads it again.');
    const dropped = await readDatasetSource({ kind: 'cifar-files', files: files() });
    expect(dropped.dataset.test?.count).toBe(2);
    expect(dropped.note).toBeUndefined();
  });

  it('names a stored copy that is gone or damaged, and removes a damaged one', async () => {
    const cache = new MemoryCache();
    await expect(readDatasetSource({ kind: 'stored', key: KEY, name: NAME }, { cache: async () => cache })).rejects.toThrow(
      'CIFAR-10 (Hugging Face) is no longer stored in this browser; download it again.',
    );
    await cache.put(KEY, new Response(new Uint8Array([84, 76, 68, 83, 1, 0, 0, 0, 2, 0, 0, 0, 123, 125])));
    await expect(readDatasetSource({ kind: 'stored', key: KEY, name: NAME }, { cache: async () => cache })).rejects.toThrow(
      'The stored copy of CIFAR-10 (Hugging Face) has a damaged header. It was removed; download it again.',
    );
    expect(cache.entries.size).toBe(0);
  });
});
