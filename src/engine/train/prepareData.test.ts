// data.trainLimit keeps the first N training images in the dataset's own order; without a test
// split, the seeded validation hold-out comes first and the limit applies to what is left.
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { createSyntheticDataset } from '../data/synthetic';
import { prepareData } from './trainer';

const labels = (xs: Uint8Array): number[] => Array.from(xs);

describe('prepareData', () => {
  it('keeps the first N training images in file order when the dataset has a test split', () => {
    const dataset = createSyntheticDataset({ seed: 4, trainCount: 40, testCount: 10 });
    const data = prepareData(dataset, makeConfig({ data: { trainLimit: 7, valLimit: 3 } }));
    expect(data.train.count).toBe(7);
    expect(Array.from(data.train.images)).toEqual(Array.from(dataset.train.images.subarray(0, 7 * 3072)));
    expect(labels(data.val.labels)).toEqual(labels(dataset.test?.labels.subarray(0, 3) ?? new Uint8Array()));
    // The same for every seed: the limit is not a seeded sample.
    const other = prepareData(dataset, makeConfig({ data: { trainLimit: 7 }, run: { seed: 9 } }));
    expect(labels(other.train.labels)).toEqual(labels(data.train.labels));
  });

  it('without a test split, holds out the validation images first and limits the rest', () => {
    const dataset = createSyntheticDataset({ seed: 4, trainCount: 40, testCount: 0 });
    const all = prepareData(dataset, makeConfig({ data: { valFraction: 0.25 } }));
    const limited = prepareData(dataset, makeConfig({ data: { valFraction: 0.25, trainLimit: 5 } }));
    expect(all.val.count).toBe(10);
    expect(labels(limited.val.labels)).toEqual(labels(all.val.labels));
    expect(Array.from(limited.train.images)).toEqual(Array.from(all.train.images.subarray(0, 5 * 3072)));
  });
});
