/**
 * In-memory datasets: 32×32 RGB uint8 images in NHWC order (the layout tfjs uses), with their
 * integer labels. CIFAR files are CHW per record and are transposed once when parsed.
 */
import type { DatasetId } from '../config';

/** A split of images: `images.length === count * 32 * 32 * 3`, `labels.length === count`. */
export interface ImageSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** CIFAR-100's coarse (superclass) label of each image, 0-19; absent for other datasets. */
  coarseLabels?: Uint8Array;
}

/** Side of the stored square images in pixels. */
export const IMAGE_SIZE = 32;
/** Bytes per stored image (32·32·3). */
export const IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * 3;

export interface Dataset {
  /** Shown in the UI and recorded in results, e.g. 'synthetic (seed 1)', 'CIFAR-10', 'CIFAR-100'. */
  name: string;
  id: DatasetId;
  classNames: string[];
  /** Names of the coarse labels (CIFAR-100's 20 superclasses), when the splits have coarseLabels. */
  coarseClassNames?: string[];
  train: ImageSplit;
  /** The held-out split; null when the source has none (a seeded split is made from train). */
  test: ImageSplit | null;
}

/** Thrown for a file that is not a readable dataset; the message names the file and the problem. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
