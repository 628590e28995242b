import { crc32 as nodeCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../../test/support/fuzz/mutate';
import { createRng } from '../rng';
import { crc32 } from './crc32';

describe('crc32', () => {
  it('gives the standard check value and agrees with node:zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // RFC 1952's CRC-32 check value
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = createRng(7);
    for (const n of [1, 7, 8, 9, 63, 1000, 65_537]) {
      const bytes = randomBytes(rng, n);
      expect(crc32(bytes)).toBe(nodeCrc32(bytes));
    }
  });

  it('continues across pieces: crc(a + b) = crc(b, crc(a))', () => {
    const bytes = randomBytes(createRng(8), 10_001);
    expect(crc32(bytes.subarray(4321), crc32(bytes.subarray(0, 4321)))).toBe(crc32(bytes));
  });
});
