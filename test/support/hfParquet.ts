/**
 * Test-only: writes CIFAR splits as the Hugging Face Hub publishes them (uoft-cs/cifar10 and
 * uoft-cs/cifar100): Parquet with a struct column `img {bytes: binary, path: string}` holding
 * each image as a PNG, and int64 labels (`label`, or `fine_label` and `coarse_label`), written
 * with hyparquet-writer and fast-png, independently of the reader under test.
 */
import { encode } from 'fast-png';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ImageSplit } from '../../src/engine/data/types';

export interface HubParquetOptions {
  /** Rows per row group (the Hub's files have many groups; default: all rows in one). */
  rowGroupSize?: number;
  /** Write CIFAR-100's two label columns (the split must have coarseLabels). */
  cifar100?: boolean;
  /** Replaces the PNG of some rows (a damaged or wrong-size image). */
  png?: (index: number) => Uint8Array | null;
}

/** One 32×32 NHWC RGB image of a split as PNG bytes. */
export function pngOfImage(split: ImageSplit, index: number): Uint8Array {
  const data = split.images.subarray(index * 3072, (index + 1) * 3072);
  return encode({ width: 32, height: 32, data, channels: 3, depth: 8 });
}

/** The first `count` rows of `split` (all by default) as a Hub-style Parquet file. */
export function hubParquetOf(split: ImageSplit, options: HubParquetOptions = {}, count = split.count): Uint8Array {
  const images = Array.from({ length: count }, (_, i) => ({ bytes: options.png?.(i) ?? pngOfImage(split, i), path: null }));
  const int64 = (labels: Uint8Array) => BigInt64Array.from(Array.from(labels.subarray(0, count), (l) => BigInt(l)));
  const labelColumns = options.cifar100
    ? [
        { name: 'fine_label', data: int64(split.labels) },
        { name: 'coarse_label', data: int64(split.coarseLabels ?? new Uint8Array(count)) },
      ]
    : [{ name: 'label', data: int64(split.labels) }];
  const buffer = parquetWriteBuffer({
    columnData: [{ name: 'img', data: images }, ...labelColumns],
    schema: [
      { name: 'schema', num_children: 1 + labelColumns.length },
      { name: 'img', num_children: 2, repetition_type: 'OPTIONAL' },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ...labelColumns.map((c) => ({ name: c.name, type: 'INT64' as const, repetition_type: 'OPTIONAL' as const })),
    ],
    rowGroupSize: options.rowGroupSize ?? count,
  });
  return new Uint8Array(buffer);
}
