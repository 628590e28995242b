/**
 * The input pipeline's plan and its CPU side: one epoch of (optionally shuffled) batches, with
 * the standard CIFAR augmentation of He et al. 2016/2019 — random crop after zero-padding by 4
 * and a random horizontal flip. A batch is first planned (which images, each one's crop and
 * flip: a few hundred random draws), then either assembled here on the uint8 bytes or, with the
 * images resident on the GPU, in one dispatch (deviceImages.ts). Also per-channel mean/std.
 */
import type { AugmentConfig } from '../config';
import type { Rng } from '../rng';
import { IMAGE_BYTES as BYTES_EXPORT, IMAGE_SIZE as SIZE_EXPORT, type ImageSplit } from './types';

// Module-local copies: some bundlers turn imported bindings into getters, slow in pixel loops.
const IMAGE_BYTES = BYTES_EXPORT;
const SIZE = SIZE_EXPORT;
const ROW_BYTES = SIZE * 3;

/** One batch: `size` images, B×32×32×3 NHWC uint8, and their labels. */
export interface Batch {
  images: Uint8Array;
  labels: Int32Array;
  size: number;
}

export interface BatchOptions {
  /** Images per batch; the last one is smaller unless `dropLast`. */
  batchSize: number;
  /** Draws the epoch's order and each image's crop and flip; required when either is on. */
  rng?: Rng;
  /** Visit the images in a seeded random order (else in split order). */
  shuffle: boolean;
  augment: AugmentConfig;
  /** Skip the final partial batch (keeps batch statistics and step counts uniform). */
  dropLast: boolean;
}

/** One epoch of batches, iterated once; `batchCount` says how many it yields. */
export interface BatchIterator extends IterableIterator<Batch> {
  readonly batchCount: number;
}

/**
 * What one batch holds, without its pixels: which images, and each one's crop and flip. The
 * host path copies the pixels from it (assembleBatch); the device path sends it to the GPU,
 * where the images already are (deviceImages.ts), so both paths train on the same batches.
 */
export interface BatchPlan {
  /** Index in the split of each image of the batch. */
  indices: Int32Array;
  /** Per image: crop column offset | crop row offset << 8 | flip << 16 (see packCrop). */
  crops: Int32Array;
  labels: Int32Array;
  size: number;
  /** Zero pixels added on each side before cropping (the offsets run 0..2·padding). */
  padding: number;
}

/** One epoch of batch plans, iterated once. */
export interface BatchPlanIterator extends IterableIterator<BatchPlan> {
  readonly batchCount: number;
}

/** Batches in one epoch of `count` images. */
export function batchCount(count: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** Packs one image's crop into an int32: offsetX | offsetY << 8 | flip << 16 (offsets ≤ 32). */
export function packCrop(offsetX: number, offsetY: number, flip: boolean): number {
  return offsetX | (offsetY << 8) | (flip ? 1 << 16 : 0);
}

/** The crop of a packed int32 (the inverse of packCrop). */
export function unpackCrop(packed: number, padding: number): CropParams {
  return { offsetX: packed & 0xff, offsetY: (packed >> 8) & 0xff, padding, flip: ((packed >> 16) & 1) === 1 };
}

/**
 * Plans one epoch over `split`. Random draws happen in a fixed order (the permutation first,
 * then per image: crop x, crop y, flip), so the same seed gives the same batches.
 */
export function createPlanIterator(split: ImageSplit, options: BatchOptions): BatchPlanIterator {
  const { batchSize, rng, shuffle, augment, dropLast } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const padding = augment.crop ? augment.padding : 0;
  const randomCrop = padding > 0;
  if ((shuffle || randomCrop || augment.flip) && !rng) throw new Error('createBatchIterator needs an rng to shuffle or augment');
  const order = shuffle && rng ? rng.permutation(split.count) : null;
  const total = batchCount(split.count, batchSize, dropLast);

  function* generate(): Generator<BatchPlan, void, undefined> {
    for (let b = 0; b < total; b++) {
      const start = b * batchSize;
      const size = Math.min(batchSize, split.count - start);
      const indices = new Int32Array(size);
      const crops = new Int32Array(size);
      const labels = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        const src = order ? order[start + i] : start + i;
        indices[i] = src;
        labels[i] = split.labels[src];
        const offsetX = randomCrop && rng ? rng.int(2 * padding + 1) : padding;
        const offsetY = randomCrop && rng ? rng.int(2 * padding + 1) : padding;
        const flip = augment.flip && rng ? rng.next() < 0.5 : false;
        crops[i] = packCrop(offsetX, offsetY, flip);
      }
      yield { indices, crops, labels, size, padding };
    }
  }
  return Object.assign(generate(), { batchCount: total });
}

/** The pixels of a planned batch, cropped and flipped on the CPU. */
export function assembleBatch(split: ImageSplit, plan: BatchPlan): Batch {
  const images = new Uint8Array(plan.size * IMAGE_BYTES);
  for (let i = 0; i < plan.size; i++) copyAugmented(split.images, plan.indices[i], images, i, unpackCrop(plan.crops[i], plan.padding));
  return { images, labels: plan.labels, size: plan.size };
}

/** Creates one epoch's batch iterator over `split`: createPlanIterator's plans, assembled on the CPU. */
export function createBatchIterator(split: ImageSplit, options: BatchOptions): BatchIterator {
  const plans = createPlanIterator(split, options);
  function* generate(): Generator<Batch, void, undefined> {
    for (const plan of plans) yield assembleBatch(split, plan);
  }
  return Object.assign(generate(), { batchCount: plans.batchCount });
}

/** Where a crop starts in the padded image, and whether to mirror it. */
export interface CropParams {
  /** Column of the padded (32+2p)² image where the crop starts, 0..2p; p means no shift. */
  offsetX: number;
  /** Row of the padded image where the crop starts, 0..2p. */
  offsetY: number;
  /** Zero pixels added on each side before cropping. */
  padding: number;
  /** Mirror left-right after cropping. */
  flip: boolean;
}

/**
 * Copies image `srcIndex` of `src` into slot `dstIndex` of `dst`, cropped and flipped:
 * out(y, x) = in(y + offsetY − padding, x' + offsetX − padding), x' = flip ? 31 − x : x,
 * and 0 where that falls outside the image (the zero padding).
 */
export function copyAugmented(src: Uint8Array, srcIndex: number, dst: Uint8Array, dstIndex: number, crop: CropParams): void {
  const { offsetX, offsetY, padding, flip } = crop;
  const srcBase = srcIndex * IMAGE_BYTES;
  const dstBase = dstIndex * IMAGE_BYTES;
  const shiftX = offsetX - padding; // source column = output column + shiftX (before the flip)
  const x0 = Math.max(0, -shiftX); // output columns [x0, x1) have a source pixel
  const x1 = Math.min(SIZE, SIZE - shiftX);
  for (let y = 0; y < SIZE; y++) {
    const row = dstBase + y * ROW_BYTES;
    const sy = y + offsetY - padding;
    if (sy < 0 || sy >= SIZE || x1 <= x0) {
      dst.fill(0, row, row + ROW_BYTES);
      continue;
    }
    const srcRow = srcBase + sy * ROW_BYTES;
    if (!flip) {
      dst.fill(0, row, row + 3 * x0);
      dst.set(src.subarray(srcRow + 3 * (x0 + shiftX), srcRow + 3 * (x1 + shiftX)), row + 3 * x0);
      dst.fill(0, row + 3 * x1, row + ROW_BYTES);
      continue;
    }
    for (let x = 0; x < SIZE; x++) {
      const sx = SIZE - 1 - x + shiftX;
      const o = row + 3 * x;
      if (sx < 0 || sx >= SIZE) {
        dst[o] = dst[o + 1] = dst[o + 2] = 0;
      } else {
        const s = srcRow + 3 * sx;
        dst[o] = src[s];
        dst[o + 1] = src[s + 1];
        dst[o + 2] = src[s + 2];
      }
    }
  }
}

/** Per-channel statistics of a split's pixels, in 0-255 units. */
export interface ChannelStats {
  mean: [number, number, number];
  std: [number, number, number];
}

/**
 * Mean and (population) standard deviation of R, G and B over every pixel of `split`. The std
 * is at least 1 (one grey level), so normalising a flat channel never divides by zero.
 */
export function channelStats(split: ImageSplit): ChannelStats {
  const sum = [0, 0, 0];
  const sumSq = [0, 0, 0];
  const { images } = split;
  // Integer partial sums per image stay exact; doubles accumulate across images.
  for (let i = 0; i < split.count; i++) {
    let r = 0, g = 0, b = 0, rr = 0, gg = 0, bb = 0;
    for (let o = i * IMAGE_BYTES, end = o + IMAGE_BYTES; o < end; o += 3) {
      const vr = images[o], vg = images[o + 1], vb = images[o + 2];
      r += vr; g += vg; b += vb;
      rr += vr * vr; gg += vg * vg; bb += vb * vb;
    }
    sum[0] += r; sum[1] += g; sum[2] += b;
    sumSq[0] += rr; sumSq[1] += gg; sumSq[2] += bb;
  }
  const n = split.count * SIZE * SIZE;
  if (n === 0) return { mean: [0, 0, 0], std: [1, 1, 1] };
  const mean = sum.map((s) => s / n) as [number, number, number];
  const std = sumSq.map((s, c) => Math.max(1, Math.sqrt(Math.max(s / n - mean[c] * mean[c], 0)))) as [number, number, number];
  return { mean, std };
}
