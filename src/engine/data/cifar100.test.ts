import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { loadAnyCifarFromFiles } from './cifar';
import { CIFAR100_CLASS_NAMES, CIFAR100_COARSE_NAMES, CIFAR100_RECORD_BYTES, loadCifar100FromFiles } from './cifar100';
import { limitSplit, withValidationSplit } from './split';
import { errorOf, makeCifar100Records, makeRecords, PATTERN, tarEntry, tarOf } from '../../../test/support/testFixtures';

const text = (lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');
/** [coarse, fine] pairs consistent with CIFAR-100 (apple 0 and orange 53 are fruit_and_vegetables 4; worm 99 is non-insect_invertebrates 13). */
const TRAIN: [number, number][] = [[4, 0], [13, 99], [4, 53], [4, 0]];
const TEST: [number, number][] = [[13, 99], [4, 53]];

/** A cifar-100-binary.tar.gz as the official one is laid out, with a few records. */
function archive(names = true): Uint8Array {
  const entries = [
    tarEntry('cifar-100-binary/train.bin', makeCifar100Records(TRAIN, PATTERN)),
    tarEntry('cifar-100-binary/test.bin', makeCifar100Records(TEST, (r, c, p) => PATTERN(r + 50, c, p))),
  ];
  if (names) {
    entries.push(tarEntry('cifar-100-binary/fine_label_names.txt', text(CIFAR100_CLASS_NAMES.map((n) => n.toUpperCase()))));
    entries.push(tarEntry('cifar-100-binary/coarse_label_names.txt', text(CIFAR100_COARSE_NAMES.map((n) => `c_${n}`))));
  }
  return gzipSync(tarOf(...entries));
}

describe('CIFAR-100 binary version', () => {
  it('parses a test-made cifar-100-binary.tar.gz: fine and coarse labels, names, NHWC pixels', () => {
    const d = loadCifar100FromFiles([{ name: 'cifar-100-binary.tar.gz', bytes: archive() }]);
    expect(d.id).toBe('cifar100');
    expect(d.name).toBe('CIFAR-100');
    expect(CIFAR100_RECORD_BYTES).toBe(3074);
    expect(d.train.count).toBe(4);
    expect([...d.train.labels]).toEqual([0, 99, 53, 0]);
    expect([...d.train.coarseLabels!]).toEqual([4, 13, 4, 4]);
    expect([...d.test!.labels]).toEqual([99, 53]);
    expect([...d.test!.coarseLabels!]).toEqual([13, 4]);
    // The names come from the files (upper-cased there), not the built-in lists.
    expect(d.classNames).toHaveLength(100);
    expect(d.classNames[99]).toBe('WORM');
    expect(d.coarseClassNames).toHaveLength(20);
    expect(d.coarseClassNames![13]).toBe('c_non-insect_invertebrates');
    // Image 1 of train, pixel 40, channel 2 = PATTERN(1, 2, 40) = (7 + 170 + 120) mod 256 = 41:
    // the two label bytes are skipped, not read as pixels.
    expect(d.train.images[3072 + 40 * 3 + 2]).toBe(41);
    for (let p = 0; p < 1024; p += 37) {
      for (let c = 0; c < 3; c++) expect(d.test!.images[3072 + p * 3 + c]).toBe(PATTERN(51, c, p));
    }
  });

  it('uses the official names when the name files are absent, and says what is missing', () => {
    const d = loadAnyCifarFromFiles([{ name: 'cifar-100-binary.tar.gz', bytes: archive(false) }]);
    expect(d.id).toBe('cifar100');
    expect(d.classNames[0]).toBe('apple');
    expect(d.classNames[99]).toBe('worm');
    expect(d.coarseClassNames![19]).toBe('vehicles_2');
    const partial = loadAnyCifarFromFiles([{ name: 'train.bin', bytes: makeCifar100Records(TRAIN, PATTERN) }]);
    expect(partial.name).toBe('CIFAR-100 (train, no test)');
    expect(partial.test).toBeNull();
  });

  it('loadAnyCifarFromFiles tells CIFAR-10 from CIFAR-100 by the files inside', () => {
    const c10 = loadAnyCifarFromFiles([{ name: 'download.tar.gz', bytes: gzipSync(tarOf(tarEntry('x/data_batch_1.bin', makeRecords([3, 9], PATTERN)))) }]);
    expect(c10.id).toBe('cifar10');
    expect(c10.train.coarseLabels).toBeUndefined();
    expect(c10.coarseClassNames).toBeUndefined();
    const c100 = loadAnyCifarFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: archive() }]); // misnamed archive
    expect(c100.id).toBe('cifar100');
  });

  it('keeps coarse labels aligned through the validation split and limits', () => {
    const d = loadAnyCifarFromFiles([{ name: 'train.bin', bytes: makeCifar100Records(TRAIN, PATTERN) }]);
    const split = withValidationSplit(d, 0.5, createRng(3));
    for (const s of [split.train, split.test, limitSplit(split.train, 1)]) {
      expect(s.coarseLabels).toHaveLength(s.count);
      for (let i = 0; i < s.count; i++) expect(s.coarseLabels![i]).toBe(s.labels[i] === 99 ? 13 : 4);
    }
  });
});

describe('bad CIFAR-100 input gives a DatasetError naming the file and the problem', () => {
  const tarGz = (records: Uint8Array) => gzipSync(tarOf(tarEntry('cifar-100-binary/train.bin', records)));

  it('a fine label above 99 or a coarse label above 19, with the record', () => {
    expect(errorOf(() => loadCifar100FromFiles([{ name: 'c.tar.gz', bytes: tarGz(makeCifar100Records([[4, 0], [4, 100]], PATTERN)) }]))).toBe(
      'c.tar.gz: train.bin: record 2 has fine label 100, but CIFAR-100 fine labels are 0-99.',
    );
    expect(errorOf(() => loadAnyCifarFromFiles([{ name: 'train.bin', bytes: makeCifar100Records([[20, 5]], PATTERN) }]))).toBe(
      'train.bin: record 1 has coarse label 20, but CIFAR-100 coarse labels are 0-19.',
    );
  });

  it('a fine class under two coarse classes (not CIFAR-100 data)', () => {
    const files = [
      { name: 'train.bin', bytes: makeCifar100Records([[4, 0]], PATTERN) },
      { name: 'test.bin', bytes: makeCifar100Records([[13, 0]], PATTERN) },
    ];
    expect(errorOf(() => loadAnyCifarFromFiles(files))).toBe(
      "test.bin: record 1 puts fine class 0 in coarse class 13, but earlier records put it in 4: the labels are inconsistent, so this is not CIFAR-100's binary version.",
    );
  });

  it('CIFAR-10 records under a CIFAR-100 name, and a truncated train.bin', () => {
    expect(errorOf(() => loadAnyCifarFromFiles([{ name: 'train.bin', bytes: makeRecords([1, 2], PATTERN) }]))).toBe(
      "train.bin is 6,146 bytes, not a whole number of 3,074-byte records: it looks truncated, or it is not CIFAR-100's binary version.",
    );
    const gz = archive();
    expect(errorOf(() => loadAnyCifarFromFiles([{ name: 'cifar-100-binary.tar.gz', bytes: gz.subarray(0, gz.length - 30) }]))).toMatch(
      /^cifar-100-binary\.tar\.gz ends in the middle of its compressed data/,
    );
  });

  it('files of both datasets at once, and no training file', () => {
    const mixed = [
      { name: 'data_batch_1.bin', bytes: makeRecords([1], PATTERN) },
      { name: 'train.bin', bytes: makeCifar100Records([[4, 0]], PATTERN) },
    ];
    expect(errorOf(() => loadAnyCifarFromFiles(mixed))).toBe(
      'The files mix CIFAR-10 (data_batch_1.bin) and CIFAR-100 (train.bin); load one dataset at a time.',
    );
    expect(errorOf(() => loadAnyCifarFromFiles([{ name: 'fine_label_names.txt', bytes: text(CIFAR100_CLASS_NAMES) }]))).toBe(
      'No CIFAR-10 or CIFAR-100 training file found in fine_label_names.txt. Expected the binary version: cifar-10-binary.tar.gz (data_batch_1.bin … data_batch_5.bin) or cifar-100-binary.tar.gz (train.bin).',
    );
    expect(errorOf(() => loadAnyCifarFromFiles([{ name: 'test.bin', bytes: makeCifar100Records([[4, 0]], PATTERN) }]))).toMatch(
      /^No train\.bin file found in test\.bin\. Expected CIFAR-100's binary version: cifar-100-binary\.tar\.gz or train\.bin\.$/,
    );
    expect(errorOf(() => loadAnyCifarFromFiles([{ name: 'photo.jpg', bytes: new Uint8Array(10) }]))).toMatch(
      /^photo\.jpg is not part of CIFAR-10's or CIFAR-100's binary version\. Expected cifar-10-binary\.tar\.gz.*; or cifar-100-binary\.tar\.gz, a \.tar of it, or train\.bin, test\.bin, fine_label_names\.txt, coarse_label_names\.txt\.$/,
    );
  });

  it('a name list of the wrong length', () => {
    const files = [
      { name: 'train.bin', bytes: makeCifar100Records([[4, 0]], PATTERN) },
      { name: 'coarse_label_names.txt', bytes: text(['a', 'b']) },
    ];
    expect(errorOf(() => loadAnyCifarFromFiles(files))).toBe(
      "coarse_label_names.txt should list CIFAR-100's 20 coarse class names, one per line; found 2 lines.",
    );
  });
});
