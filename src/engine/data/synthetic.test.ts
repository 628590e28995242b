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

/** Per-image features: raw pixels, or a colour- and position-free gradient-orientation histogram. */
type Features = (split: ImageSplit, i: number) => Float64Array;

const rawPixels: Features = (split, i) => Float64Array.from(split.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));

/** 12-bin histogram of luminance-gradient orientation (mod π), magnitude-weighted, summing to 1. */
const orientationHistogram: Features = (split, i) => {
  const img = split.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
  const lum = (y: number, x: number) => img[(y * 32 + x) * 3] + img[(y * 32 + x) * 3 + 1] + img[(y * 32 + x) * 3 + 2];
  const bins = new Float64Array(12);
  let total = 0;
  for (let y = 1; y < 31; y++) {
    for (let x = 1; x < 31; x++) {
      const gx = lum(y, x + 1) - lum(y, x - 1);
      const gy = lum(y + 1, x) - lum(y - 1, x);
      const magnitude = Math.hypot(gx, gy);
      const angle = (Math.atan2(gy, gx) + Math.PI) % Math.PI;
      bins[Math.min(11, Math.floor((angle / Math.PI) * 12))] += magnitude;
      total += magnitude;
    }
  }
  return bins.map((v) => v / total);
};

/** Accuracy of the nearest class mean (Euclidean) fitted on `train`, scored on `test`. */
function nearestClassMeanAccuracy(train: ImageSplit, test: ImageSplit, classes: number, features: Features): number {
  const dims = features(train, 0).length;
  const means = new Float64Array(classes * dims);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < train.count; i++) {
    const f = features(train, i);
    const base = train.labels[i] * dims;
    for (let j = 0; j < dims; j++) means[base + j] += f[j];
    counts[train.labels[i]]++;
  }
  for (let c = 0; c < classes; c++) for (let j = 0; j < dims; j++) means[c * dims + j] /= counts[c];
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    const f = features(test, i);
    let best = -1;
    let bestDistance = Infinity;
    for (let c = 0; c < classes; c++) {
      let d = 0;
      for (let j = 0; j < dims; j++) d += (f[j] - means[c * dims + j]) ** 2;
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
    // 6,000 images: about 0.4 s measured here; the bound is loose for a busy shared CI machine.
    expect(Math.min(elapsedMs, performance.now() - start)).toBeLessThan(3000);
    expect(fingerprint(again.train.images)).toBe(fingerprint(data.train.images));
    expect(fingerprint(again.train.labels)).toBe(fingerprint(data.train.labels));
    expect(fingerprint(again.test!.images)).toBe(fingerprint(data.test!.images));
    const other = createSyntheticDataset({ seed: 2, trainCount: 200, testCount: 0 });
    const sameSize = createSyntheticDataset({ seed: 1, trainCount: 200, testCount: 0 });
    expect(fingerprint(other.train.images)).not.toBe(fingerprint(sameSize.train.images));
    expect(other.test).toBeNull();
  });

  it('rejects counts that are not non-negative integers', () => {
    expect(() => createSyntheticDataset({ seed: 1, trainCount: -1, testCount: 0 })).toThrow(/trainCount/);
    expect(() => createSyntheticDataset({ seed: 1, trainCount: 10, testCount: 2.5 })).toThrow(/testCount/);
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

  it('is hard for a nearest-class-mean classifier on raw pixels, but the shapes carry the signal', () => {
    // Measured for seed 1: raw pixels 0.141 (chance 0.10; one binomial σ on 1,000 images is
    // 0.0095), gradient-orientation histograms 0.393: the class is in the shape, not in where
    // or what colour it is, so a classifier has to learn shape (and cannot reach 100% this way).
    const raw = nearestClassMeanAccuracy(data.train, data.test!, 10, rawPixels);
    const shape = nearestClassMeanAccuracy(data.train, data.test!, 10, orientationHistogram);
    expect(raw).toBeGreaterThan(0.12);
    expect(raw).toBeLessThan(0.3);
    expect(shape).toBeGreaterThan(0.3);
    expect(shape).toBeLessThan(0.6);
    expect(shape - raw).toBeGreaterThan(0.15);
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
