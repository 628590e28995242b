/**
 * Crafted hostile inputs for the dataset importer, each with the outcome it must have: tar
 * entries that climb out (../x, /etc/passwd, C:\, pax and GNU long names), links and devices,
 * impossible or garbage size fields, broken checksums, thousands of entries, and inputs just
 * over each limit (the unpack cap, the class-name file, the long-name header). Every input is
 * also counted by the fuzz harness: a DatasetError naming the file, or a well-formed dataset.
 */
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzDatasetFile, loadChecked } from '../../../test/support/fuzz/datasetTarget';
import { createTally, fuzzOne, fuzzSummary, prototypeSnapshot } from '../../../test/support/fuzz/harness';
import { HTML_PAYLOAD } from '../../../test/support/fuzz/mutateJson';
import { CIFAR10_CLASS_NAMES } from './cifar10';
import type { CifarLoadOptions } from './cifarBinary';
import { makeCifar100Records, makeRecords, PATTERN, tarEntry, tarOf } from '../../../test/support/testFixtures';
import { DatasetError } from './types';

const text = (s: string) => new TextEncoder().encode(s);
const GOOD = makeRecords([8], PATTERN); // one CIFAR-10 record, label 8
const NOTHING = /^No CIFAR-10 or CIFAR-100 training file found in evil\.tar\./;
const tally = createTally('dataset crafted');
const protoBefore = prototypeSnapshot();

interface RawEntry {
  name: string;
  data?: Uint8Array;
  /** The 12-byte size field as written (default: the data's length in octal). */
  size?: string | number[];
  type?: string;
  linkname?: string;
  prefix?: string;
  /** Add this to the checksum, to break it. */
  checksumError?: number;
}

/** A tar entry with every header field under the test's control. */
function raw(e: RawEntry): Uint8Array {
  const data = e.data ?? new Uint8Array(0);
  const header = new Uint8Array(512);
  const put = (value: string | number[], at: number) => header.set(typeof value === 'string' ? text(value) : value, at);
  put(e.name, 0);
  put('0000644\0', 100);
  put(e.size ?? data.length.toString(8).padStart(11, '0') + '\0', 124);
  put('00000000000\0', 136);
  put(e.type ?? '0', 156);
  put(e.linkname ?? '', 157);
  put('ustar\0' + '00', 257);
  put(e.prefix ?? '', 345);
  put('        ', 148);
  const sum = header.reduce((a, b) => a + b, 0) + (e.checksumError ?? 0);
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const out = new Uint8Array(512 + Math.ceil(data.length / 512) * 512);
  out.set(header);
  out.set(data, 512);
  return out;
}

/** Loads one file, counting it in the tally; returns the labels read or the refusal's message. */
function outcome(name: string, bytes: Uint8Array, options?: CifarLoadOptions): number[] | string {
  const r = fuzzDatasetFile(tally, name, name, bytes, options);
  if (r === null) throw new Error(`crash: ${tally.crashes.at(-1)}`);
  return r.accepted ? [...r.value.train.labels] : r.message;
}

const evil = (...entries: Uint8Array[]) => outcome('evil.tar', tarOf(...entries));

describe('crafted tar entries', () => {
  it('entries that climb out of the archive are never read, whatever the name form', () => {
    const names = [
      '../x', '../data_batch_1.bin', '/etc/passwd', '/data_batch_1.bin', 'ok/../../data_batch_1.bin', 'C:\\data_batch_1.bin',
      'C:data_batch_1.bin', 'a\\..\\..\\data_batch_1.bin', '\\\\server\\share\\data_batch_1.bin', '..', '../',
    ];
    for (const name of names) expect(evil(raw({ name, data: GOOD }))).toMatch(NOTHING);
    // The same through the ustar prefix, a pax path and a GNU long name.
    expect(evil(raw({ name: 'data_batch_1.bin', prefix: '..', data: GOOD }))).toMatch(NOTHING);
    expect(evil(raw({ name: 'data_batch_1.bin', prefix: '/etc', data: GOOD }))).toMatch(NOTHING);
    const pax = text('30 path=../data_batch_1.bin\n');
    expect(evil(raw({ name: 'PaxHeader', type: 'x', data: pax }), raw({ name: 'data_batch_1.bin', data: GOOD }))).toMatch(NOTHING);
    expect(evil(raw({ name: '././@LongLink', type: 'L', data: text('/etc/data_batch_1.bin\0') }), raw({ name: 'x', data: GOOD }))).toMatch(NOTHING);
    // Beside a safe copy, the safe one is read and the escaping one ignored.
    expect(evil(raw({ name: '../data_batch_1.bin', data: makeRecords([1], PATTERN) }), raw({ name: 'ok/data_batch_1.bin', data: GOOD }))).toEqual([8]);
  });

  it('links, directories and devices named like CIFAR files are skipped', () => {
    for (const type of ['1', '2', '3', '4', '5', '6']) {
      expect(evil(raw({ name: 'data_batch_1.bin', type, linkname: '/etc/passwd', data: type === '5' ? undefined : GOOD }))).toMatch(NOTHING);
    }
    expect(evil(raw({ name: 'data_batch_1.bin', type: '2', linkname: '../../etc/passwd' }), raw({ name: 'b/data_batch_1.bin', data: GOOD }))).toEqual([8]);
  });

  it('hostile and odd names are data, never paths or keys', () => {
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', HTML_PAYLOAD]) {
      expect(evil(raw({ name, data: GOOD }), raw({ name: 'data_batch_1.bin', data: GOOD }))).toEqual([8]);
    }
    // A name ends at its first NUL, as tar defines: this entry is data_batch_1.bin.
    expect(evil(raw({ name: 'data_batch_1.bin\0/../../x', data: GOOD }))).toEqual([8]);
    expect(evil(raw({ name: 'data_batch_1.bin', data: GOOD }), raw({ name: 'again/data_batch_1.bin', data: GOOD }))).toBe(
      'data_batch_1.bin was given twice (evil.tar: data_batch_1.bin and evil.tar: data_batch_1.bin); pick one copy.',
    );
  });

  it('impossible and garbage sizes', () => {
    const truncated = 'evil.tar ends in the middle of a file: the tar archive looks truncated.';
    expect(evil(raw({ name: 'data_batch_1.bin', size: '77777777777\0', data: GOOD }))).toBe(truncated); // 8 GiB declared
    expect(evil(raw({ name: 'data_batch_1.bin', size: '00000020000\0', data: GOOD }))).toBe(truncated); // 8 KiB declared, 4.5 KiB there
    // Regression: a size that is not octal was reported as a truncated archive.
    for (const size of ['-0000001000\0', '0x200\0', '99999999999\0', '\0', '           \0', 'NaN\0', [0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c, 0x01]]) {
      expect(evil(raw({ name: 'data_batch_1.bin', size, data: GOOD }))).toBe('evil.tar is a damaged tar archive (bad size field at byte 124).');
    }
  });

  it('broken checksums, oversized headers and a flood of entries', () => {
    expect(evil(raw({ name: 'data_batch_1.bin', data: GOOD, checksumError: 1 }))).toBe('evil.tar is not a tar archive; it may be damaged or renamed.');
    expect(evil(raw({ name: 'a', data: GOOD }), raw({ name: 'data_batch_1.bin', data: GOOD, checksumError: 1 }))).toBe(
      'evil.tar is a damaged tar archive (bad header at byte 4096).',
    );
    // Long-name and pax headers are read up to 64 KiB: at the limit fine, one byte over refused.
    const longName = (n: number) => text(`${'d/'.repeat((n - 'data_batch_1.bin'.length) / 2)}data_batch_1.bin`);
    expect(evil(raw({ name: '././@LongLink', type: 'L', data: longName(64 * 1024) }), raw({ name: 'x', data: GOOD }))).toEqual([8]);
    expect(evil(raw({ name: '././@LongLink', type: 'L', data: new Uint8Array(64 * 1024 + 1) }), raw({ name: 'x', data: GOOD }))).toBe(
      'evil.tar has an oversized tar header; it is not a CIFAR archive.',
    );
    // 20,000 empty entries (10 MB of headers) before the data: read in bounded time.
    const flood = new Uint8Array(20_000 * 512);
    const one = raw({ name: 'x' });
    for (let i = 0; i < 20_000; i++) flood.set(one, i * 512);
    const start = performance.now();
    expect(evil(flood, raw({ name: 'data_batch_1.bin', data: GOOD }))).toEqual([8]);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('an archive mixing CIFAR-10 and CIFAR-100 names the archive', () => {
    // Regression: the message named the files inside only, not the archive they came from.
    expect(evil(raw({ name: 'data_batch_1.bin', data: GOOD }), raw({ name: 'train.bin', data: makeCifar100Records([[4, 0]], PATTERN) }))).toBe(
      'The files mix CIFAR-10 (evil.tar: data_batch_1.bin) and CIFAR-100 (evil.tar: train.bin); load one dataset at a time.',
    );
  });

  it('a bit flipped inside a gzip that inflates cleanly is refused by its CRC', () => {
    // Regression: fflate checks no CRC, so a damaged download was read as wrong pixels. Level 0
    // stores the bytes as they are: the flip changes the data but not the deflate structure.
    const gz = gzipSync(tarOf(tarEntry('data_batch_1.bin', GOOD)), { level: 0 });
    const flipped = gz.slice();
    flipped[2000] ^= 0x10;
    expect(outcome('c.tar.gz', gz)).toEqual([8]);
    expect(outcome('c.tar.gz', flipped)).toBe('c.tar.gz is damaged: what it unpacks to does not match its checksum (a corrupted download?).');
  });

  it('a multi-member gzip is read whole, each member checked against its own trailer', () => {
    const records = makeRecords([1, 2, 3], PATTERN);
    const parts = [records.subarray(0, 1000), records.subarray(1000, 5000), records.subarray(5000)].map((p) => gzipSync(p, { level: 0 }));
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
    expect(outcome('data_batch_1.bin.gz', joined)).toEqual([1, 2, 3]);
    const damaged = joined.slice();
    damaged[500] ^= 1; // inside the first member's stored bytes
    expect(outcome('data_batch_1.bin.gz', damaged)).toMatch(/^data_batch_1\.bin\.gz is damaged: /);
    const shortened = joined.slice();
    shortened.set([0, 0, 0, 0], parts[0].length - 4); // the first member's size field
    expect(outcome('data_batch_1.bin.gz', shortened)).toMatch(/^data_batch_1\.bin\.gz ends in the middle of its compressed data/);
  });
});

describe('just over each limit', () => {
  const MiB = 1024 * 1024;

  it('the unpack cap: a gzip of exactly the cap is read, one byte more is refused', () => {
    const tar = new Uint8Array(MiB);
    tar.set(tarOf(tarEntry('data_batch_1.bin', GOOD))); // trailing zero blocks are allowed after the end marker
    expect(outcome('exact.tar.gz', gzipSync(tar), { maxDecompressedBytes: MiB })).toEqual([8]);
    expect(outcome('exact.tar.gz', gzipSync(tar), { maxDecompressedBytes: MiB - 1 })).toMatch(/^exact\.tar\.gz unpacks to more than 1 MB,/);
  });

  it('the unpack cap counts all files together', () => {
    // Regression: each file had the whole cap, so many files could fill any memory.
    const part = (n: number) => ({ name: `data_batch_${n}.bin.gz`, bytes: gzipSync(makeRecords(new Array(200).fill(n), PATTERN)) }); // 0.6 MB each
    const load = (files: { name: string; bytes: Uint8Array }[]) =>
      fuzzOne(tally, files.map((f) => f.name).join('+'), () => loadChecked(files, { maxDecompressedBytes: 1.5 * MiB }), { ownError: DatasetError });
    expect(load([part(1), part(2)])).toMatchObject({ accepted: true });
    const refused = load([part(1), part(2), part(3)]);
    expect(refused).toEqual({
      accepted: false,
      message: 'data_batch_3.bin.gz unpacks to more than 0.33 MB; with the files before it that is more than 1.5 MB, more than any CIFAR-10/100 download; refusing to unpack it further.',
    });
  });

  it('the class-name file: 64 characters a name and 1,664 bytes at most', () => {
    const names = (list: string[], pad = 0) => text(list.join('\n') + '\n'.repeat(1 + pad));
    const withNames = (bytes: Uint8Array) => outcome('c.tar', tarOf(tarEntry('data_batch_1.bin', GOOD), tarEntry('batches.meta.txt', bytes)));
    const ten = [...CIFAR10_CLASS_NAMES];
    const exact = names(ten, 64 * 10 + 1024 - names(ten).length);
    expect(exact.length).toBe(1664);
    expect(withNames(exact)).toEqual([8]);
    expect(withNames(names(ten, 64 * 10 + 1024 - names(ten).length + 1))).toBe('c.tar: batches.meta.txt is too large to be CIFAR-10\'s 10 class names.');
    expect(withNames(names([...ten.slice(1), 'x'.repeat(64)]))).toEqual([8]);
    expect(withNames(names([...ten.slice(1), 'x'.repeat(65)]))).toMatch(/^c\.tar: batches\.meta\.txt should list CIFAR-10's 10 class names/);
    expect(withNames(names([...ten.slice(1), 'bell\u0007']))).toMatch(/should list CIFAR-10's 10 class names/);
  });

  it('an HTML payload as a class name is kept as the same plain text', () => {
    const list = [HTML_PAYLOAD, ...CIFAR10_CLASS_NAMES.slice(1)];
    const d = loadChecked([{ name: 'c.tar', bytes: tarOf(tarEntry('data_batch_1.bin', GOOD), tarEntry('batches.meta.txt', text(list.join('\n')))) }]);
    expect(d.classNames[0]).toBe(HTML_PAYLOAD);
  });
});

afterAll(() => {
  console.log(fuzzSummary([tally]));
  expect(tally.inputs).toBeGreaterThanOrEqual(50);
  expect(tally.crashes).toEqual([]);
  expect(prototypeSnapshot()).toEqual(protoBefore);
});
