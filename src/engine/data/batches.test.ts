import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { batchCount, channelStats, copyAugmented, createBatchIterator, type Batch } from './batches';
import { IMAGE_BYTES, type ImageSplit } from './types';

/** Pixel value that encodes where it came from: image i, row y, column x, channel c. */
const code = (i: number, y: number, x: number, c: number): number => (i * 50 + y * 5 + x * 3 + c * 101) % 251 + 1; // never 0

/** A split whose every byte is `code(...)`, labels i mod 10. */
function codedSplit(count: number): ImageSplit {
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) images[i * IMAGE_BYTES + (y * 32 + x) * 3 + c] = code(i, y, x, c);
  }
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}

const px = (images: Uint8Array, slot: number, y: number, x: number): number[] => {
  const o = slot * IMAGE_BYTES + (y * 32 + x) * 3;
  return [images[o], images[o + 1], images[o + 2]];
};
/** Byte equality via Buffer.compare: vitest's toEqual on typed arrays is slow. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
const codes = (i: number, y: number, x: number): number[] => [0, 1, 2].map((c) => code(i, y, x, c));

/** Which source image a batch slot holds (no augmentation): recovered from its pixel (10, 10). */
function sourceOf(images: Uint8Array, slot: number, count: number): number {
  const [r] = px(images, slot, 10, 10);
  for (let i = 0; i < count; i++) if (code(i, 10, 10, 0) === r) return i;
  return -1;
}

describe('copyAugmented', () => {
  const split = codedSplit(2);

  it('with offset = padding and no flip copies the image unchanged', () => {
    const out = new Uint8Array(IMAGE_BYTES);
    copyAugmented(split.images, 1, out, 0, { offsetX: 4, offsetY: 4, padding: 4, flip: false });
    expect(sameBytes(out, split.images.subarray(IMAGE_BYTES))).toBe(true);
  });

  it('moves pixels by the crop offset and fills the padding with zeros', () => {
    const out = new Uint8Array(IMAGE_BYTES).fill(99); // stale bytes must be overwritten
    // offsetX 1, offsetY 6 with padding 4: out(y, x) = in(y + 2, x − 3).
    copyAugmented(split.images, 1, out, 0, { offsetX: 1, offsetY: 6, padding: 4, flip: false });
    expect(px(out, 0, 0, 3)).toEqual(codes(1, 2, 0));
    expect(px(out, 0, 10, 20)).toEqual(codes(1, 12, 17));
    expect(px(out, 0, 29, 31)).toEqual(codes(1, 31, 28));
    expect(px(out, 0, 5, 2)).toEqual([0, 0, 0]); // left padding: columns 0-2
    expect(px(out, 0, 30, 10)).toEqual([0, 0, 0]); // bottom padding: rows 30-31
    expect(px(out, 0, 31, 0)).toEqual([0, 0, 0]);
    let zeros = 0;
    for (let i = 0; i < IMAGE_BYTES; i++) if (out[i] === 0) zeros++;
    expect(zeros).toBe(3 * (32 * 32 - 30 * 29)); // exactly the 3 columns and 2 rows of padding
  });

  it('flips left-right after cropping', () => {
    const out = new Uint8Array(IMAGE_BYTES);
    copyAugmented(split.images, 0, out, 0, { offsetX: 4, offsetY: 4, padding: 4, flip: true });
    expect(px(out, 0, 7, 0)).toEqual(codes(0, 7, 31));
    expect(px(out, 0, 7, 31)).toEqual(codes(0, 7, 0));
    // Crop then flip: offsetX 8 shifts the content left by 4, so after the flip the zeros are on the left.
    copyAugmented(split.images, 0, out, 0, { offsetX: 8, offsetY: 4, padding: 4, flip: true });
    expect(px(out, 0, 3, 0)).toEqual([0, 0, 0]);
    expect(px(out, 0, 3, 3)).toEqual([0, 0, 0]);
    expect(px(out, 0, 3, 4)).toEqual(codes(0, 3, 31));
    expect(px(out, 0, 3, 31)).toEqual(codes(0, 3, 4));
  });

  it('writes into the given slot only', () => {
    const out = new Uint8Array(3 * IMAGE_BYTES);
    copyAugmented(split.images, 1, out, 2, { offsetX: 0, offsetY: 0, padding: 0, flip: false });
    expect(out.subarray(0, 2 * IMAGE_BYTES).every((v) => v === 0)).toBe(true);
    expect(px(out, 2, 31, 31)).toEqual(codes(1, 31, 31));
  });
});

describe('createBatchIterator', () => {
  const split = codedSplit(10);
  const noAugment = { crop: false, padding: 4, flip: false };

  it('yields the images in order, with a smaller last batch unless dropLast', () => {
    const iterator = createBatchIterator(split, { batchSize: 4, shuffle: false, augment: noAugment, dropLast: false });
    expect(iterator.batchCount).toBe(3);
    const batches = [...iterator];
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches[2].images.length).toBe(2 * IMAGE_BYTES);
    expect([...batches[2].labels]).toEqual([8, 9]);
    expect(batches[2].labels).toBeInstanceOf(Int32Array);
    expect(sameBytes(batches[1].images, split.images.subarray(4 * IMAGE_BYTES, 8 * IMAGE_BYTES))).toBe(true);
    const dropped = [...createBatchIterator(split, { batchSize: 4, shuffle: false, augment: noAugment, dropLast: true })];
    expect(dropped.map((b) => b.size)).toEqual([4, 4]);
    expect(batchCount(10, 4, true)).toBe(2);
    expect(batchCount(10, 4, false)).toBe(3);
    expect(batchCount(8, 4, false)).toBe(2);
  });

  it('visits every image exactly once per shuffled epoch, with its own label', () => {
    const rng = createRng(7);
    const order: number[] = [];
    for (const batch of createBatchIterator(split, { batchSize: 3, rng, shuffle: true, augment: noAugment, dropLast: false })) {
      for (let s = 0; s < batch.size; s++) {
        const source = sourceOf(batch.images, s, split.count);
        expect(batch.labels[s]).toBe(source % 10);
        order.push(source);
      }
    }
    expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives the same batches for the same seed, and other batches for another', () => {
    const epoch = (seed: number): Batch[] =>
      [...createBatchIterator(split, { batchSize: 4, rng: createRng(seed), shuffle: true, augment: { crop: true, padding: 4, flip: true }, dropLast: true })];
    const a = epoch(3);
    const b = epoch(3);
    const c = epoch(4);
    expect(a.map((x) => [...x.labels])).toEqual(b.map((x) => [...x.labels]));
    expect(a.every((batch, i) => sameBytes(batch.images, b[i].images))).toBe(true);
    expect(a.every((batch, i) => sameBytes(batch.images, c[i].images))).toBe(false);
  });

  it('augments: over many images every crop offset and both flips occur', () => {
    // Every pixel names its own position: R = 1 + 7·column, G = 1 + 7·row (never 0).
    const count = 400;
    const images = new Uint8Array(count * IMAGE_BYTES);
    for (let i = 0; i < count; i++) {
      for (let p = 0; p < 1024; p++) {
        images[i * IMAGE_BYTES + p * 3] = 1 + 7 * (p % 32);
        images[i * IMAGE_BYTES + p * 3 + 1] = 1 + 7 * Math.floor(p / 32);
      }
    }
    const offsets = new Set<string>();
    let flipped = 0;
    const options = { batchSize: 100, rng: createRng(1), shuffle: false, augment: { crop: true, padding: 2, flip: true }, dropLast: false };
    for (const batch of createBatchIterator({ images, labels: new Uint8Array(count), count }, options)) {
      for (let s = 0; s < batch.size; s++) {
        const [r, g] = px(batch.images, s, 16, 16);
        const isFlipped = px(batch.images, s, 16, 17)[0] < r;
        if (isFlipped) flipped++;
        // out(16, 16) = in(16 + offsetY − 2, (flip ? 15 : 16) + offsetX − 2)
        const offsetY = (g - 1) / 7 - 16 + 2;
        const offsetX = (r - 1) / 7 - (isFlipped ? 15 : 16) + 2;
        offsets.add(`${offsetX},${offsetY}`);
      }
    }
    const all = [0, 1, 2, 3, 4].flatMap((x) => [0, 1, 2, 3, 4].map((y) => `${x},${y}`));
    expect([...offsets].sort()).toEqual(all.sort()); // all (2·2 + 1)² offsets, nothing else
    expect(flipped).toBeGreaterThan(160); // Binomial(400, 0.5): 200 ± 10
    expect(flipped).toBeLessThan(240);
  });

  it('refuses to shuffle or augment without an rng', () => {
    expect(() => createBatchIterator(split, { batchSize: 2, shuffle: true, augment: noAugment, dropLast: false })).toThrow(/needs an rng/);
    expect(() => createBatchIterator(split, { batchSize: 0, shuffle: false, augment: noAugment, dropLast: false })).toThrow(/batchSize/);
  });
});

describe('channelStats', () => {
  it('gives per-channel mean and population std in 0-255 units', () => {
    // Two images: R is 0 everywhere in one and 100 in the other (mean 50, std 50);
    // G is 10 everywhere (std 0, reported as 1); B alternates 0 and 200 by pixel (mean 100, std 100).
    const images = new Uint8Array(2 * IMAGE_BYTES);
    for (let i = 0; i < 2; i++) {
      for (let p = 0; p < 1024; p++) {
        images[i * IMAGE_BYTES + p * 3] = i * 100;
        images[i * IMAGE_BYTES + p * 3 + 1] = 10;
        images[i * IMAGE_BYTES + p * 3 + 2] = p % 2 ? 200 : 0;
      }
    }
    const stats = channelStats({ images, labels: new Uint8Array(2), count: 2 });
    expect(stats.mean).toEqual([50, 10, 100]);
    expect(stats.std).toEqual([50, 1, 100]);
  });
});
