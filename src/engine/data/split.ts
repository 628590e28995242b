/**
 * Train/validation splits. When a dataset has no test split (the CIFAR-10 sample, a partial
 * download) a seeded fraction of the training images is held out for validation, as is usual
 * when tuning the tricks of He et al. 2019 without touching the test set. Subsets copy bytes,
 * so the originals are never aliased by a split that is later mutated.
 */
import type { Rng } from '../rng';
import { DatasetError, IMAGE_BYTES, type Dataset, type ImageSplit } from './types';

/** A dataset whose held-out split is guaranteed: its own test split, or one made from train. */
export type DatasetWithHeldOut = Dataset & { test: ImageSplit };

/** The images at `indices`, in that order (copied). */
export function subsetSplit(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  const count = indices.length;
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarse = split.coarseLabels ? new Uint8Array(count) : null;
  for (let i = 0; i < count; i++) {
    const j = indices[i];
    if (!(j >= 0 && j < split.count)) throw new RangeError(`index ${j} is outside a split of ${split.count} images`);
    images.set(split.images.subarray(j * IMAGE_BYTES, (j + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = split.labels[j];
    if (coarse && split.coarseLabels) coarse[i] = split.coarseLabels[j];
  }
  return coarse ? { images, labels, count, coarseLabels: coarse } : { images, labels, count };
}

/**
 * Returns `dataset` unchanged when it has a test split; otherwise holds out a seeded random
 * `valFraction` of train (at least 1 image, leaving at least 1) as `test`, the rest as `train`.
 * @param valFraction fraction of training images held out, in (0, 1)
 */
export function withValidationSplit(dataset: Dataset, valFraction: number, rng: Rng): DatasetWithHeldOut {
  if (dataset.test) return dataset as DatasetWithHeldOut;
  const n = dataset.train.count;
  if (n < 2) throw new RangeError(`cannot hold out validation images from a training split of ${n}`);
  if (!(valFraction > 0 && valFraction < 1)) throw new RangeError(`valFraction must be in (0, 1), got ${valFraction}`);
  const valCount = Math.min(n - 1, Math.max(1, Math.round(n * valFraction)));
  const order = rng.permutation(n);
  return {
    ...dataset,
    train: subsetSplit(dataset.train, order.subarray(valCount)),
    test: subsetSplit(dataset.train, order.subarray(0, valCount)),
  };
}

/** Fewest training images a run takes: one batch of two (BatchNorm's batch statistics need two to vary). */
export const MIN_TRAIN_IMAGES = 2;
/** The largest share of training images held out when a dataset has no test split (data.valFraction's maximum). */
const MAX_VAL_FRACTION = 0.5;

/**
 * Refuses, at load, a dataset too small to split and batch, in the user's words (otherwise it
 * loads and Start fails with an internal message): at least MIN_TRAIN_IMAGES to train on and one
 * image to measure accuracy on, even when the most allowed (half) is held out.
 * @throws DatasetError naming the dataset and how many images it needs.
 */
export function checkDatasetSize(dataset: Dataset): void {
  const n = dataset.train.count;
  const plural = (k: number) => `${k} image${k === 1 ? '' : 's'}`;
  if (dataset.test) {
    if (n < MIN_TRAIN_IMAGES) throw new DatasetError(`${dataset.name} has ${plural(n)} to train on; a run needs at least ${MIN_TRAIN_IMAGES} (one batch). Add images, or choose a larger dataset.`);
    if (dataset.test.count < 1) throw new DatasetError(`${dataset.name} has no test images to measure accuracy on. Add the test file, or leave it out to hold out part of the training images instead.`);
    return;
  }
  const needed = Math.ceil(MIN_TRAIN_IMAGES / (1 - MAX_VAL_FRACTION));
  if (n < needed) {
    throw new DatasetError(
      `${dataset.name} has ${plural(n)}; a run needs at least ${needed}: ${MIN_TRAIN_IMAGES} to train on (one batch) and up to as many held out to measure accuracy, since it has no test file. Add images, or choose a larger dataset.`,
    );
  }
}

/** The first `n` images of a split (the split itself when it has no more than `n`). */
export function limitSplit(split: ImageSplit, n: number): ImageSplit {
  if (!(n >= 0) || !Number.isInteger(n)) throw new RangeError(`limit must be a non-negative integer, got ${n}`);
  if (n >= split.count) return split;
  const limited: ImageSplit = {
    images: split.images.slice(0, n * IMAGE_BYTES),
    labels: split.labels.slice(0, n),
    count: n,
  };
  if (split.coarseLabels) limited.coarseLabels = split.coarseLabels.slice(0, n);
  return limited;
}

/** Images per class, indexed by label (length `numClasses`). */
export function classCounts(split: ImageSplit, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < split.count; i++) counts[split.labels[i]]++;
  return counts;
}
