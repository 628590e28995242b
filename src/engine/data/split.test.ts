import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { checkDatasetSize, classCounts, limitSplit, subsetSplit, withValidationSplit } from './split';
import { DatasetError, IMAGE_BYTES, type Dataset, type ImageSplit } from './types';

/** `count` images whose every byte is the image's index (mod 256), labels index mod 10. */
function indexedSplit(count: number): ImageSplit {
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < count; i++) images.fill(i & 0xff, i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}
const ids = (split: ImageSplit): number[] => Array.from({ length: split.count }, (_, i) => split.images[i * IMAGE_BYTES]);
const dataset = (train: ImageSplit, test: ImageSplit | null): Dataset => ({ name: 't', id: 'cifar10', classNames: [], train, test });

describe('withValidationSplit', () => {
  it('returns a dataset that has a test split unchanged', () => {
    const d = dataset(indexedSplit(10), indexedSplit(3));
    expect(withValidationSplit(d, 0.2, createRng(1))).toBe(d);
  });

  it('holds out a seeded fraction of train, disjoint and complete, images kept with their labels', () => {
    const d = withValidationSplit(dataset(indexedSplit(200), null), 0.1, createRng(5));
    expect(d.test.count).toBe(20);
    expect(d.train.count).toBe(180);
    const all = [...ids(d.train), ...ids(d.test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
    for (const split of [d.train, d.test]) {
      ids(split).forEach((id, i) => expect(split.labels[i]).toBe(id % 10));
    }
    // Same seed, same split; another seed, another.
    expect(ids(withValidationSplit(dataset(indexedSplit(200), null), 0.1, createRng(5)).test)).toEqual(ids(d.test));
    expect(ids(withValidationSplit(dataset(indexedSplit(200), null), 0.1, createRng(6)).test)).not.toEqual(ids(d.test));
  });

  it('keeps at least one image on each side, and rejects a fraction outside (0, 1)', () => {
    expect(withValidationSplit(dataset(indexedSplit(5), null), 0.01, createRng(1)).test.count).toBe(1);
    expect(withValidationSplit(dataset(indexedSplit(5), null), 0.99, createRng(1)).train.count).toBe(1);
    expect(() => withValidationSplit(dataset(indexedSplit(5), null), 0, createRng(1))).toThrow(/valFraction/);
    expect(() => withValidationSplit(dataset(indexedSplit(1), null), 0.5, createRng(1))).toThrow(/split of 1/);
  });
});

describe('limitSplit, subsetSplit, classCounts', () => {
  it('limitSplit keeps the first n images (copied) and returns a short split as is', () => {
    const split = indexedSplit(10);
    const limited = limitSplit(split, 3);
    expect(limited.count).toBe(3);
    expect(ids(limited)).toEqual([0, 1, 2]);
    expect(limited.images.length).toBe(3 * IMAGE_BYTES);
    expect([...limited.labels]).toEqual([0, 1, 2]);
    limited.images[0] = 99;
    expect(split.images[0]).toBe(0);
    expect(limitSplit(split, 10)).toBe(split);
    expect(limitSplit(split, 50)).toBe(split);
    expect(() => limitSplit(split, 1.5)).toThrow(/non-negative integer/);
  });

  it('subsetSplit gathers images in the given order and rejects bad indices', () => {
    const split = indexedSplit(10);
    const subset = subsetSplit(split, [7, 2, 7]);
    expect(ids(subset)).toEqual([7, 2, 7]);
    expect([...subset.labels]).toEqual([7, 2, 7]);
    expect(() => subsetSplit(split, [10])).toThrow(/outside a split of 10/);
  });

  it('classCounts counts labels', () => {
    expect(classCounts(indexedSplit(23), 10)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
  });
});

describe('checkDatasetSize', () => {
  const named = (train: number, test: number | null): Dataset => ({ ...dataset(indexedSplit(train), test === null ? null : indexedSplit(test)), name: 'CIFAR-10' });
  it('refuses, in words, a dataset too small to split and batch', () => {
    expect(() => checkDatasetSize(named(1, null))).toThrow(
      new DatasetError('CIFAR-10 has 1 image; a run needs at least 4: 2 to train on (one batch) and up to as many held out to measure accuracy, since it has no test file. Add images, or choose a larger dataset.'),
    );
    expect(() => checkDatasetSize(named(3, null))).toThrow(/^CIFAR-10 has 3 images; a run needs at least 4:/);
    expect(() => checkDatasetSize(named(1, 10))).toThrow(new DatasetError('CIFAR-10 has 1 image to train on; a run needs at least 2 (one batch). Add images, or choose a larger dataset.'));
    expect(() => checkDatasetSize(named(10, 0))).toThrow(/^CIFAR-10 has no test images/);
  });
  it('passes the smallest that trains: 4 without a test split (2 left at the largest held-out half), 2 with one', () => {
    expect(() => checkDatasetSize(named(4, null))).not.toThrow();
    expect(() => checkDatasetSize(named(2, 1))).not.toThrow();
    const held = withValidationSplit(named(4, null), 0.5, createRng(1));
    expect([held.train.count, held.test.count]).toEqual([2, 2]);
  });
});
