import { gunzipSync as nodeGunzip } from 'node:zlib';
import { gzipSync } from 'fflate';
import { createTar, parseTar } from 'nanotar';
import { beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASS_NAMES, CIFAR10_RECORD_BYTES, loadCifar10FromFiles, type InputFile } from './cifar10';
import { errorOf, makeRecords, PATTERN, tarEntry, tarOf } from '../../../test/support/testFixtures';
import { cifarSample } from '../../../test/support/cifarSample';
import type { Dataset } from './types';

/** Label histograms read once from the two known files (the shared sample, the committed fixture). */
const KNOWN_HISTOGRAMS = {
  shared: [1001, 949, 1028, 970, 1015, 1038, 965, 987, 1029, 1018],
  fixture: new Array(10).fill(20),
};

describe('real CIFAR-10 (.tar.gz)', () => {
  const sample = cifarSample();
  const count = sample.trainCount;
  let sampleGz: Uint8Array;
  let rawBatch: Uint8Array; // data_batch_1.bin, unpacked by node:zlib and nanotar (not our code)
  let dataset: Dataset;
  beforeAll(() => {
    sampleGz = sample.bytes;
    const tar = nodeGunzip(sampleGz);
    const entries = parseTar(tar.buffer.slice(tar.byteOffset, tar.byteOffset + tar.byteLength));
    rawBatch = entries.find((e) => e.name.endsWith('data_batch_1.bin'))!.data!;
    dataset = loadCifar10FromFiles([{ name: 'cifar10-sample.tar.gz', bytes: sampleGz }]);
  });

  it(`has ${count} training images, no test split, and the ten class names`, () => {
    expect(dataset.id).toBe('cifar10');
    expect(dataset.train.count).toBe(count);
    expect(dataset.train.images.length).toBe(count * 3072);
    expect(dataset.test).toBeNull();
    expect(dataset.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(dataset.name).toBe('CIFAR-10 (data_batch_1, no test_batch)');
  });

  it('has the label histogram of the file', () => {
    const histogram = new Array(10).fill(0);
    for (const label of dataset.train.labels) histogram[label]++;
    const fromRaw = new Array(10).fill(0);
    for (let at = 0; at < rawBatch.length; at += CIFAR10_RECORD_BYTES) fromRaw[rawBatch[at]]++;
    expect(histogram).toEqual(sample.source === 'env' ? fromRaw : KNOWN_HISTOGRAMS[sample.source]);
  });

  it.skipIf(sample.source === 'env')('transposes CHW records to HWC: known pixels of records 0 and 5', () => {
    // Hand-read from the shared sample (the fixture keeps its first records): record 0 is a deer (4) whose top-left pixel is (51, 52, 34).
    expect(dataset.train.labels[0]).toBe(4);
    expect([...dataset.train.images.subarray(0, 3)]).toEqual([51, 52, 34]);
    // Record 5 is a ship (8); its pixel at row 1, column 1 is (198, 207, 255).
    const at = 5 * 3072 + (1 * 32 + 1) * 3;
    expect(dataset.train.labels[5]).toBe(8);
    expect([...dataset.train.images.subarray(at, at + 3)]).toEqual([198, 207, 255]);
  });

  it('matches the raw file byte for byte at scattered pixels', () => {
    for (const record of [0, 1, Math.floor(count / 2), count - 1]) {
      const src = record * CIFAR10_RECORD_BYTES;
      expect(dataset.train.labels[record]).toBe(rawBatch[src]);
      for (const [y, x] of [[0, 0], [0, 31], [17, 5], [31, 31]]) {
        for (let c = 0; c < 3; c++) {
          expect(dataset.train.images[record * 3072 + (y * 32 + x) * 3 + c]).toBe(rawBatch[src + 1 + c * 1024 + y * 32 + x]);
        }
      }
    }
  });

  it('reports a truncated download as truncated', () => {
    const truncated = 'cifar-10-binary.tar.gz ends in the middle of its compressed data: it looks truncated (an interrupted download?).';
    for (const length of [100, 70_000, Math.floor(sampleGz.length * 0.9)]) {
      expect(errorOf(() => loadCifar10FromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: sampleGz.subarray(0, length) }]))).toBe(truncated);
    }
  });

  it('loads the bare data_batch_1.bin the same as the archive', () => {
    const bare = loadCifar10FromFiles([{ name: 'data_batch_1.bin', bytes: rawBatch }]);
    expect(bare.train.count).toBe(count);
    expect(bare.classNames).toEqual(CIFAR10_CLASS_NAMES); // standard names without batches.meta.txt
    // Buffer.compare, not toEqual: a deep diff of the 30 MB sample takes minutes.
    expect(Buffer.compare(bare.train.labels, dataset.train.labels)).toBe(0);
    expect(Buffer.compare(bare.train.images, dataset.train.images)).toBe(0);
  });
});

describe('loadCifar10FromFiles with hand-made files', () => {
  const batch = (labels: number[], seed = 0) => makeRecords(labels, (r, c, p) => PATTERN(r + seed, c, p));

  it('converts a record to NHWC exactly', () => {
    const d = loadCifar10FromFiles([{ name: 'data_batch_1.bin', bytes: batch([3, 7]) }]);
    expect([...d.train.labels]).toEqual([3, 7]);
    // Image 1, pixel 40 (row 1, column 8), channel 2 is PATTERN(1, 2, 40) = (7 + 170 + 120) mod 256 = 41.
    expect(d.train.images[3072 + 40 * 3 + 2]).toBe(41);
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) expect(d.train.images[3072 + p * 3 + c]).toBe(PATTERN(1, c, p));
    }
  });

  it('takes training batches in number order and test_batch as test, from any mix of inputs', () => {
    const files: InputFile[] = [
      { name: 'test_batch.bin', bytes: batch([9]) },
      { name: 'archive.tar', bytes: tarOf(tarEntry('cifar-10-batches-bin/data_batch_2.bin', batch([2, 2], 20))) },
      { name: 'data_batch_1.bin.gz', bytes: gzipSync(batch([1], 10)) },
    ];
    const d = loadCifar10FromFiles(files);
    expect([...d.train.labels]).toEqual([1, 2, 2]);
    expect(d.train.images[0]).toBe(PATTERN(10, 0, 0));
    expect(d.train.images[3072]).toBe(PATTERN(20, 0, 0));
    expect([...d.test!.labels]).toEqual([9]);
    expect(d.name).toBe('CIFAR-10 (data_batch_1, data_batch_2, test_batch)');
  });

  it('names the complete set plainly and reads class names from batches.meta.txt', () => {
    const files: InputFile[] = [1, 2, 3, 4, 5].map((n) => ({ name: `data_batch_${n}.bin`, bytes: batch([n]) }));
    files.push({ name: 'test_batch.bin', bytes: batch([0]) });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    files.push({ name: 'batches.meta.txt', bytes: new TextEncoder().encode(names.join('\n') + '\n\n') });
    const d = loadCifar10FromFiles(files);
    expect(d.name).toBe('CIFAR-10');
    expect(d.train.count).toBe(5);
    expect(d.classNames).toEqual(names);
  });

  it('reads a tar written by another tool (nanotar), skipping readme.html and folders', () => {
    const tar = createTar([
      { name: 'cifar-10-batches-bin/' },
      { name: 'cifar-10-batches-bin/readme.html', data: '<html>' },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch([5, 6]) },
    ]);
    const d = loadCifar10FromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: gzipSync(tar) }]);
    expect([...d.train.labels]).toEqual([5, 6]);
  });

  it('follows GNU long names', () => {
    const longPath = `${'deep/'.repeat(30)}data_batch_1.bin`;
    const tar = tarOf(tarEntry('././@LongLink', new TextEncoder().encode(longPath + '\0'), 'L'), tarEntry('truncated-name', batch([4])));
    expect([...loadCifar10FromFiles([{ name: 'x.tar', bytes: tar }]).train.labels]).toEqual([4]);
  });

  it('ignores entries that climb out with ../ or are absolute, and links', () => {
    const evil = tarOf(
      tarEntry('../data_batch_1.bin', batch([1])),
      tarEntry('/etc/data_batch_2.bin', batch([2])),
      tarEntry('a/../../data_batch_3.bin', batch([3])),
      tarEntry('data_batch_4.bin', new Uint8Array(0), '2'),
    );
    expect(errorOf(() => loadCifar10FromFiles([{ name: 'evil.tar', bytes: evil }]))).toMatch(/^No data_batch file found in evil\.tar/);
    // The same ../ entry beside a good one: the good one is read, the escaping one ignored.
    const mixed = tarOf(tarEntry('../data_batch_1.bin', batch([1])), tarEntry('ok/data_batch_1.bin', batch([8])));
    expect([...loadCifar10FromFiles([{ name: 'mixed.tar', bytes: mixed }]).train.labels]).toEqual([8]);
  });
});

describe('bad input gives a DatasetError that names the file and the problem', () => {
  const load = (name: string, bytes: Uint8Array, maxDecompressedBytes?: number) => () =>
    loadCifar10FromFiles([{ name, bytes }], { maxDecompressedBytes });
  const random = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);

  it('random bytes', () => {
    expect(errorOf(load('cifar-10-binary.tar.gz', random(5000)))).toMatch(/^cifar-10-binary\.tar\.gz is not a gzip file/);
    expect(errorOf(load('cifar.tar', random(5000)))).toBe('cifar.tar is not a tar archive; it may be damaged or renamed.');
    expect(errorOf(load('holiday.jpg', random(5000)))).toMatch(/^holiday\.jpg is not part of CIFAR-10's binary version/);
  });

  it('a record size that is not a multiple of 3,073 bytes', () => {
    const bytes = new Uint8Array(3073 * 2 + 5);
    expect(errorOf(load('data_batch_3.bin', bytes))).toBe(
      "data_batch_3.bin is 6,151 bytes, not a whole number of 3,073-byte records: it looks truncated, or it is not CIFAR-10's binary version.",
    );
    expect(errorOf(load('data_batch_3.bin', new Uint8Array(0)))).toBe('data_batch_3.bin is empty.');
  });

  it('a label byte above 9, named with the archive and record', () => {
    const bytes = makeRecords([0, 12], PATTERN);
    const tar = tarOf(tarEntry('cifar-10-batches-bin/data_batch_1.bin', bytes));
    expect(errorOf(load('c.tar.gz', gzipSync(tar)))).toBe(
      'c.tar.gz: data_batch_1.bin: record 2 has label 12, but CIFAR-10 labels are 0-9. Is this CIFAR-100 or another dataset?',
    );
  });

  it('a gzip file missing its last bytes', () => {
    const gz = gzipSync(tarOf(tarEntry('data_batch_1.bin', makeRecords([1, 2, 3], PATTERN))));
    expect(errorOf(load('c.tar.gz', gz.subarray(0, gz.length - 4)))).toMatch(/^c\.tar\.gz ends in the middle of its compressed data/);
    expect(errorOf(load('c.tar.gz', gz.subarray(0, gz.length - 20)))).toMatch(/^c\.tar\.gz ends in the middle of its compressed data/);
  });

  it('a truncated tar', () => {
    const tar = tarOf(tarEntry('data_batch_1.bin', makeRecords([1, 2, 3], PATTERN)));
    expect(errorOf(load('c.tar', tar.subarray(0, 4000)))).toBe('c.tar ends in the middle of a file: the tar archive looks truncated.');
  });

  it('no data_batch file, or an unreadable class list', () => {
    expect(errorOf(() => loadCifar10FromFiles([]))).toMatch(/^No data_batch file found in nothing/);
    const meta = new TextEncoder().encode('cat\ndog\n');
    expect(errorOf(load('batches.meta.txt', meta))).toMatch(/^No data_batch file found in batches\.meta\.txt/);
    const files = [{ name: 'data_batch_1.bin', bytes: makeRecords([1], PATTERN) }, { name: 'batches.meta.txt', bytes: meta }];
    expect(errorOf(() => loadCifar10FromFiles(files))).toBe(
      "batches.meta.txt should list CIFAR-10's 10 class names, one per line; found 2 lines.",
    );
  });

  it('the same file twice', () => {
    const bytes = makeRecords([1], PATTERN);
    const files = [{ name: 'data_batch_1.bin', bytes }, { name: 'all.tar', bytes: tarOf(tarEntry('data_batch_1.bin', bytes)) }];
    expect(errorOf(() => loadCifar10FromFiles(files))).toBe(
      'data_batch_1.bin was given twice (data_batch_1.bin and all.tar: data_batch_1.bin); pick one copy.',
    );
  });

  it('gzip holding something else', () => {
    expect(errorOf(load('notes.txt.gz', gzipSync(random(100))))).toBe(
      'notes.txt.gz is gzip-compressed but holds neither a tar archive nor a CIFAR-10 file.',
    );
  });

  it('a gzip bomb stops at the cap, single- or multi-member', () => {
    const bomb = gzipSync(new Uint8Array(4 * 1024 * 1024)); // 4 MB of zeros in about 4 KB
    expect(bomb.length).toBeLessThan(20_000);
    const oneMB = 1024 * 1024;
    expect(errorOf(load('bomb.tar.gz', bomb, oneMB))).toBe(
      'bomb.tar.gz unpacks to more than 1 MB, more than any CIFAR-10/100 download; refusing to unpack it further.',
    );
    const small = gzipSync(new Uint8Array(300 * 1024));
    const members = new Uint8Array(small.length * 5);
    for (let i = 0; i < 5; i++) members.set(small, i * small.length);
    expect(errorOf(load('members.tar.gz', members, oneMB))).toMatch(/^members\.tar\.gz unpacks to more than 1 MB/);
  });
});
