/**
 * Test-only: CIFAR-10 as the Hugging Face Hub publishes it (two Parquet files, hfParquet.ts),
 * made from real images of the shared CIFAR sample (cifarSample.ts), small enough to download
 * and decode in a second. The E2E specs serve it with hubServer.ts.
 */
import { loadAnyCifarFromFiles } from '../../src/engine/data/cifar';
import type { ImageSplit } from '../../src/engine/data/types';
import { cifarSample } from './cifarSample';
import { hubParquetOf } from './hfParquet';
import type { HubFile } from './hubServer';

export const HUB_TRAIN_FILE = 'train-00000-of-00001.parquet';
export const HUB_TEST_FILE = 'test-00000-of-00001.parquet';

export interface HubCifar10Fixture {
  /** The first `trainCount` images of the sample. */
  train: ImageSplit;
  /** The next `testCount` images. */
  test: ImageSplit;
  /** The train file (row groups of 64, as the Hub's have many) and the test file. */
  files: HubFile[];
}

/** Rows [from, to) of a split. */
function splitRows(s: ImageSplit, from: number, to: number): ImageSplit {
  return { images: s.images.slice(from * 3072, to * 3072), labels: s.labels.slice(from, to), count: to - from };
}

/** CIFAR-10's two Hub files holding `trainCount` and `testCount` real images. */
export function hubCifar10Fixture(trainCount = 150, testCount = 50): HubCifar10Fixture {
  const real = loadAnyCifarFromFiles([{ name: 'sample.tar.gz', bytes: cifarSample().bytes }]).train;
  if (real.count < trainCount + testCount) throw new Error(`the CIFAR sample holds ${real.count} images, fewer than the ${trainCount + testCount} asked for`);
  const train = splitRows(real, 0, trainCount);
  const test = splitRows(real, trainCount, trainCount + testCount);
  return {
    train,
    test,
    files: [
      { name: HUB_TRAIN_FILE, bytes: hubParquetOf(train, { rowGroupSize: 64 }) },
      { name: HUB_TEST_FILE, bytes: hubParquetOf(test) },
    ],
  };
}
