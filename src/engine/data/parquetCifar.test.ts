// The Hugging Face Parquet reader against files written independently (hyparquet-writer and
// fast-png's encoder, test/support/hfParquet.ts): exact pixels and labels back over several row
// groups, CIFAR-100's two label columns, a missing test file, and a message naming the file (and
// the row) for each way a file can be wrong. Real CIFAR images (test/support/cifarSample.ts) go
// through Parquet and come back byte for byte.
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { cifarSample } from '../../../test/support/cifarSample';
import { hubParquetOf } from '../../../test/support/hfParquet';
import { PATTERN } from '../../../test/support/testFixtures';
import { loadAnyCifarFromFiles } from './cifar';
import { loadCifarFromParquet } from './parquetCifar';
import { decodePngRgb } from './pngDecode';
import { DatasetError, type ImageSplit } from './types';

const TRAIN = 'train-00000-of-00001.parquet';
const TEST = 'test-00000-of-00001.parquet';

/** `count` images whose bytes follow PATTERN (offset by `seed`), labels and coarse labels given. */
function splitOf(count: number, labels: number[], coarse?: number[], seed = 0): ImageSplit {
  const images = new Uint8Array(count * 3072);
  for (let r = 0; r < count; r++) for (let i = 0; i < 3072; i++) images[r * 3072 + i] = PATTERN(r + seed, i % 3, Math.floor(i / 3));
  const split: ImageSplit = { images, labels: Uint8Array.from(labels), count };
  if (coarse) split.coarseLabels = Uint8Array.from(coarse);
  return split;
}

const load = (files: { name: string; bytes: Uint8Array }[]) => loadCifarFromParquet(files, { decodePng: decodePngRgb });
async function errorOf(files: { name: string; bytes: Uint8Array }[]): Promise<string> {
  try {
    await load(files);
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return (err as Error).message;
  }
  throw new Error('expected a DatasetError');
}

describe('loadCifarFromParquet', () => {
  const train = splitOf(7, [0, 1, 2, 3, 9, 5, 6]);
  const test = splitOf(3, [7, 8, 4], undefined, 50);

  it('reads CIFAR-10 train and test back pixel for pixel, over several row groups', async () => {
    const progress: string[] = [];
    const dataset = await loadCifarFromParquet(
      [
        { name: TEST, bytes: hubParquetOf(test) },
        { name: TRAIN, bytes: hubParquetOf(train, { rowGroupSize: 3 }) }, // groups of 3, 3, 1
      ],
      { decodePng: decodePngRgb, onProgress: (p) => progress.push(`${p.file} ${p.done}/${p.total}`) },
    );
    expect(dataset.id).toBe('cifar10');
    expect(dataset.name).toBe('CIFAR-10');
    expect(dataset.classNames[0]).toBe('airplane');
    expect(dataset.classNames[9]).toBe('truck');
    expect(dataset.train.count).toBe(7);
    expect(Array.from(dataset.train.labels)).toEqual([0, 1, 2, 3, 9, 5, 6]);
    expect(dataset.train.images).toEqual(train.images);
    expect(dataset.test?.count).toBe(3);
    expect(Array.from(dataset.test!.labels)).toEqual([7, 8, 4]);
    expect(dataset.test!.images).toEqual(test.images);
    expect(dataset.coarseClassNames).toBeUndefined();
    expect(progress).toEqual([`${TRAIN} 7/7`, `${TEST} 3/3`]);
  });

  it('reads CIFAR-100 with its fine and coarse labels', async () => {
    const split = splitOf(4, [0, 19, 58, 99], [4, 11, 18, 19]);
    const dataset = await load([{ name: TRAIN, bytes: hubParquetOf(split, { cifar100: true }) }]);
    expect(dataset.id).toBe('cifar100');
    expect(dataset.name).toBe('CIFAR-100 (train only)');
    expect(dataset.test).toBeNull();
    expect(Array.from(dataset.train.labels)).toEqual([0, 19, 58, 99]);
    expect(Array.from(dataset.train.coarseLabels!)).toEqual([4, 11, 18, 19]);
    expect(dataset.classNames[58]).toBe('pickup_truck');
    expect(dataset.coarseClassNames?.[18]).toBe('vehicles_1');
  });

  it('names the file and the problem for a truncated, damaged or foreign file', async () => {
    const whole = hubParquetOf(train);
    expect(await errorOf([{ name: TRAIN, bytes: whole.subarray(0, whole.length - 100) }])).toBe(
      `${TRAIN} is cut short (${whole.length - 100} bytes, and the end of a Parquet file, where its table of contents is, is missing): download it again.`,
    );
    expect(await errorOf([{ name: TRAIN, bytes: new TextEncoder().encode('<!doctype html><p>Not found</p>') }])).toBe(
      `${TRAIN} is not a Parquet file (it does not start with PAR1): it is a web page, perhaps an error page instead of the file.`,
    );
    expect(await errorOf([{ name: TRAIN, bytes: new Uint8Array(0) }])).toBe(`${TRAIN} is empty.`);
    // The footer's length field (the 4 bytes before the closing PAR1) pointing past the start.
    const badFooter = whole.slice();
    new DataView(badFooter.buffer).setUint32(badFooter.length - 8, 0x7fffffff, true);
    expect(await errorOf([{ name: TRAIN, bytes: badFooter }])).toMatch(new RegExp(`^${TRAIN} is damaged: its Parquet metadata cannot be read \\(.+\\)\\. Download it again\\.$`));
    // Data pages overwritten: either the pages or the PNGs inside them fail, named by file.
    const badPages = whole.slice();
    badPages.fill(0x55, 200, 1200);
    expect(await errorOf([{ name: TRAIN, bytes: badPages }])).toMatch(new RegExp(`^${TRAIN}(, row \\d+:| is damaged:) `));
  });

  it('names the row of a bad image or label, and refuses foreign columns and mixed datasets', async () => {
    const small = encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 3), channels: 3, depth: 8 });
    expect(await errorOf([{ name: TRAIN, bytes: hubParquetOf(train, { png: (i) => (i === 5 ? small : null) }) }])).toBe(
      `${TRAIN}, row 5: the image is 16×16, not CIFAR's 32×32.`,
    );
    expect(await errorOf([{ name: TRAIN, bytes: hubParquetOf(train, { png: (i) => (i === 2 ? new Uint8Array([1, 2, 3]) : null) }) }])).toMatch(
      new RegExp(`^${TRAIN}, row 2: the image is not a readable PNG \\(.+\\)\\.$`),
    );
    expect(await errorOf([{ name: TRAIN, bytes: hubParquetOf(splitOf(2, [3, 10])) }])).toBe(`${TRAIN}, row 1: label is 10, not a class 0–9.`);
    expect(await errorOf([{ name: TRAIN, bytes: hubParquetOf(splitOf(2, [3, 4], [1, 20]), { cifar100: true }) }])).toBe(
      `${TRAIN}, row 1: coarse_label is 20, not a superclass 0–19.`,
    );
    expect(await errorOf([{ name: TRAIN, bytes: hubParquetOf(train) }, { name: TEST, bytes: hubParquetOf(splitOf(1, [1], [1]), { cifar100: true }) }])).toBe(
      `${TEST} is CIFAR-100 but ${TRAIN} is CIFAR-10; give the two files of one dataset.`,
    );
    expect(await errorOf([{ name: TEST, bytes: hubParquetOf(test) }])).toBe(`No training file among ${TEST}: add train-00000-of-00001.parquet.`);
    expect(await errorOf([{ name: 'data.parquet', bytes: hubParquetOf(test) }])).toMatch(/^data\.parquet: expected the Hugging Face CIFAR files/);
  });
});

describe('the real CIFAR-10 sample through Parquet', () => {
  it('comes back byte for byte', async () => {
    const sample = cifarSample();
    const original = loadAnyCifarFromFiles([{ name: 'cifar10-sample.tar.gz', bytes: sample.bytes }]);
    const n = Math.min(300, original.train.count);
    const dataset = await load([{ name: TRAIN, bytes: hubParquetOf(original.train, { rowGroupSize: 128 }, n) }]);
    expect(dataset.train.count).toBe(n);
    expect(dataset.train.images).toEqual(original.train.images.subarray(0, n * 3072));
    expect(dataset.train.labels).toEqual(original.train.labels.subarray(0, n));
  });
});
