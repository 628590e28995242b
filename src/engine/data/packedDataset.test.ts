// The stored-dataset blob: a CIFAR-100-shaped set (coarse labels, a test split) comes back equal;
// the byte layout is the documented one; a cut, foreign or other-version blob is refused.
import { describe, expect, it } from 'vitest';
import { packDataset, packedSize, unpackDataset } from './packedDataset';
import { DatasetError, type Dataset } from './types';

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(packedSize(parts));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};

function dataset(): Dataset {
  const images = (n: number, k: number) => Uint8Array.from({ length: n * 3072 }, (_, i) => (i * k) & 0xff);
  return {
    name: 'CIFAR-100',
    id: 'cifar100',
    classNames: ['a', 'b'],
    coarseClassNames: ['x'],
    train: { images: images(3, 7), labels: Uint8Array.from([1, 0, 1]), coarseLabels: Uint8Array.from([0, 0, 0]), count: 3 },
    test: { images: images(2, 11), labels: Uint8Array.from([0, 1]), coarseLabels: Uint8Array.from([0, 0]), count: 2 },
  };
}

describe('packDataset / unpackDataset', () => {
  it('round-trips a dataset with coarse labels and a test split', () => {
    const blob = concat(packDataset(dataset()));
    // 12 fixed bytes + JSON, padded to 8; then 5 images of 3072 bytes + 5 labels + 5 coarse labels.
    const json = JSON.stringify({ name: 'CIFAR-100', id: 'cifar100', classNames: ['a', 'b'], train: 3, test: 2, coarse: true, coarseClassNames: ['x'] });
    expect(blob.length).toBe(Math.ceil((12 + json.length) / 8) * 8 + 5 * 3074);
    expect(new TextDecoder().decode(blob.subarray(0, 4))).toBe('TLDS');
    expect(unpackDataset(blob)).toEqual(dataset());
  });

  it('round-trips a set without a test split or coarse labels', () => {
    const d: Dataset = { ...dataset(), id: 'cifar10', coarseClassNames: undefined, test: null, train: { ...dataset().train, coarseLabels: undefined } };
    delete d.coarseClassNames;
    delete d.train.coarseLabels;
    expect(unpackDataset(concat(packDataset(d)))).toEqual(d);
  });

  it('refuses a blob cut short, a foreign one and one of another version', () => {
    const blob = concat(packDataset(dataset()));
    expect(() => unpackDataset(blob.subarray(0, blob.length - 1))).toThrow(DatasetError);
    expect(() => unpackDataset(blob.subarray(0, blob.length - 1))).toThrow(/is \d+ bytes, not the \d+ its header says; it is cut short or damaged/);
    expect(() => unpackDataset(new TextEncoder().encode('<html>'))).toThrow('The stored dataset is not a dataset this app stored.');
    const other = blob.slice();
    other[4] = 9;
    expect(() => unpackDataset(other, 'CIFAR-10 (Hugging Face)')).toThrow('CIFAR-10 (Hugging Face) was stored by another version of the app (format 9, this one reads 1).');
  });
});
