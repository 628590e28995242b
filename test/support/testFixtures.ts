/**
 * Test-only helpers: CIFAR-10 and CIFAR-100 records and tar headers built byte by byte, so the loader's
 * tests can state exactly what each file holds (and how it is broken).
 */
import { expect } from 'vitest';
import { CIFAR10_RECORD_BYTES } from '../../src/engine/data/cifar10';
import { DatasetError } from '../../src/engine/data/types';

/**
 * Records in CIFAR-10's binary layout: label byte, then the R, G and B planes (row-major 32×32).
 * `value(record, channel, pixel)` gives each pixel byte (taken mod 256).
 */
export function makeRecords(labels: number[], value: (record: number, channel: number, pixel: number) => number): Uint8Array {
  const bytes = new Uint8Array(labels.length * CIFAR10_RECORD_BYTES);
  labels.forEach((label, r) => {
    const base = r * CIFAR10_RECORD_BYTES;
    bytes[base] = label;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) bytes[base + 1 + c * 1024 + p] = value(r, c, p) & 0xff;
    }
  });
  return bytes;
}

/**
 * Records in CIFAR-100's binary layout: coarse label byte, fine label byte, then the R, G and B
 * planes. `labels` holds [coarse, fine] pairs.
 */
export function makeCifar100Records(labels: [number, number][], value: (record: number, channel: number, pixel: number) => number): Uint8Array {
  const size = CIFAR10_RECORD_BYTES + 1;
  const bytes = new Uint8Array(labels.length * size);
  labels.forEach(([coarse, fine], r) => {
    const base = r * size;
    bytes[base] = coarse;
    bytes[base + 1] = fine;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) bytes[base + 2 + c * 1024 + p] = value(r, c, p) & 0xff;
    }
  });
  return bytes;
}

/** A pattern that makes every (record, channel, pixel) distinguishable. */
export const PATTERN = (r: number, c: number, p: number): number => (r * 7 + c * 85 + p * 3) & 0xff;

/**
 * One tar entry (ustar header + data padded to 512), with a valid checksum. `type` '0' is a
 * file, 'L' a GNU long-name record, '2' a symlink.
 */
export function tarEntry(name: string, data: Uint8Array, type = '0'): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, offset: number) => header.set(new TextEncoder().encode(text), offset);
  put(name.slice(0, 99), 0);
  put('0000644\0', 100);
  put('0001750\0', 108);
  put('0001750\0', 116);
  put(data.length.toString(8).padStart(11, '0') + '\0', 124);
  put('00000000000\0', 136);
  put(type, 156);
  put('ustar\0' + '00', 257);
  put('        ', 148);
  const sum = header.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padded = new Uint8Array(512 + Math.ceil(data.length / 512) * 512);
  padded.set(header);
  padded.set(data, 512);
  return padded;
}

/** A tar archive of the entries, with the two zero blocks that end an archive. */
export function tarOf(...entries: Uint8Array[]): Uint8Array {
  const total = entries.reduce((n, e) => n + e.length, 0) + 1024;
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}

/** Runs `load` and returns the DatasetError's message (fails if it does not throw one). */
export function errorOf(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as Error).message;
  }
  throw new Error('expected a DatasetError');
}
