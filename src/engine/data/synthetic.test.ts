import { beforeAll, describe, expect, it } from 'vitest';
import { createSyntheticDataset, SYNTHETIC_CLASS_NAMES } from './synthetic';
import { fromDistance } from './syntheticShapes';
import { IMAGE_BYTES, type Dataset, type ImageSplit } from './types';

/** FNV-1a over the bytes: a short fingerprint to compare datasets. */
function fingerprint(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** Accuracy of the nearest class mean (Euclidean, raw pixels) fitted on `train`, scored on `test`. */
function nearestClassMeanAccuracy(train: ImageSplit, test: ImageSplit, classes: number): number {
  const means = Array.from({ length: classes }, () => new Float64Array(IMAGE_BYTES));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < train.count; i++) {
    const m = means[train.labels[i]];
    for (let j = 0; j < IMAGE_BYTES; j++) m[j] += train.images[i * IMAGE_BYTES + j];
    counts[train.labels[i]]++;
  }
  means.forEach((m, c) => m.forEach((v, j) => (m[j] = v / counts[c])));
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let c = 0; c < classes; c++) {
      let d = 0;
      for (let j = 0; j < IMAGE_BYTES; j++) {
        const e = test.images[i * IMAGE_BYTES + j] - means[c][j];
        d += e * e;
      }
      if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    if (best === test.labels[i]) correct++;
  }
  return correct / test.count;
}

describe('createSyntheticDataset', () => {
  let data: Dataset;
  let elapsedMs: number;
  beforeAll(() => {
    const start = performance.now();
    data = createSyntheticDataset({ seed: 1, trainCount: 5000, testCount: 1000 });
    elapsedMs = performance.now() - start;
  });

  it('has the declared shape, names and ten classes', () => {
    expect(data.id).toBe('synthetic');
    expect(data.name).toBe('synthetic (seed 1)');
    expect(data.classNames).toEqual(['disc', 'ring', 'square', 'diamond', 'triangle', 'plus', 'stripes-h', 'stripes-v', 'checker', 'dots']);
    expect(SYNTHETIC_CLASS_NAMES).toHaveLength(10);
    expect(data.train.count).toBe(5000);
    expect(data.train.images.length).toBe(5000 * IMAGE_BYTES);
    expect(data.test!.count).toBe(1000);
    expect(data.test!.images.length).toBe(1000 * IMAGE_BYTES);
  });

  it('is deterministic and fast: same seed, same bytes; another seed, other bytes', () => {
    const start = performance.now();
    const again = createSyntheticDataset({ seed: 1, trainCount: 5000, testCount: 1000 });
    // 6,000 images: about 0.4 s on an idle 2-core machine; the faster of two runs must be < 2 s.
    expect(Math.min(elapsedMs, performance.now() - start)).toBeLessThan(2000);
    expect(fingerprint(again.train.images)).toBe(fingerprint(data.train.images));
    expect(fingerprint(again.train.labels)).toBe(fingerprint(data.train.labels));
    expect(fingerprint(again.test!.images)).toBe(fingerprint(data.test!.images));
    const other = createSyntheticDataset({ seed: 2, trainCount: 200, testCount: 0 });
    const sameSize = createSyntheticDataset({ seed: 1, trainCount: 200, testCount: 0 });
    expect(fingerprint(other.train.images)).not.toBe(fingerprint(sameSize.train.images));
    expect(other.test).toBeNull();
  });

  it('keeps test images fixed when the training count changes (independent forks)', () => {
    const small = createSyntheticDataset({ seed: 1, trainCount: 100, testCount: 1000 });
    expect(fingerprint(small.test!.images)).toBe(fingerprint(data.test!.images));
  });

  it('balances classes exactly (to within one)', () => {
    for (const split of [data.train, data.test!]) {
      const counts = new Array(10).fill(0);
      for (const label of split.labels) counts[label]++;
      expect(counts).toEqual(new Array(10).fill(split.count / 10));
    }
    const odd = createSyntheticDataset({ seed: 3, trainCount: 23, testCount: 0 }).train;
    const counts = new Array(10).fill(0);
    for (const label of odd.labels) counts[label]++;
    expect(counts).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('has non-degenerate pixel statistics: mid-grey mean, wide spread, few clipped pixels', () => {
    const { images } = data.train;
    let sum = 0;
    let sumSq = 0;
    let clipped = 0;
    for (let i = 0; i < images.length; i++) {
      sum += images[i];
      sumSq += images[i] * images[i];
      if (images[i] === 0 || images[i] === 255) clipped++;
    }
    const mean = sum / images.length;
    const std = Math.sqrt(sumSq / images.length - mean * mean);
    expect(mean).toBeGreaterThan(90);
    expect(mean).toBeLessThan(160);
    expect(std).toBeGreaterThan(40);
    expect(clipped / images.length).toBeLessThan(0.05);
    // No two of the first 200 images are identical.
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(fingerprint(images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES)));
    expect(seen.size).toBe(200);
  });

  it('is hard for a nearest-class-mean classifier on raw pixels, but not hopeless', () => {
    // Measured: 0.141 for seed 1 (chance is 0.10; ±0.0095 is one binomial σ on 1,000 images).
    const accuracy = nearestClassMeanAccuracy(data.train, data.test!, 10);
    expect(accuracy).toBeGreaterThan(0.12);
    expect(accuracy).toBeLessThan(0.3);
  });
});

describe('fromDistance', () => {
  it('ramps coverage linearly over one pixel around the edge', () => {
    expect(fromDistance(-2)).toBe(1);
    expect(fromDistance(-0.5)).toBe(1);
    expect(fromDistance(-0.25)).toBe(0.75);
    expect(fromDistance(0)).toBe(0.5);
    expect(fromDistance(0.25)).toBe(0.25);
    expect(fromDistance(0.5)).toBe(0);
  });
});
