/**
 * Test-only reference for IEEE 754 binary16 rounding, written independently of the code under
 * test: every finite non-negative half is decoded from its 15 bits into a sorted table, and a
 * value rounds to the nearer neighbour in the table, ties to the even bit pattern, and to Inf
 * from 65520 (65504 + half its spacing of 32) on. Used by fp16.test.ts and fp16Kernel.test.ts.
 */
import type { Rng } from '../../src/engine/rng';

/** Value of the non-negative half with bits h (0 ≤ h ≤ 0x7bff). */
export function decodeHalf(h: number): number {
  const e = h >> 10;
  const m = h & 0x3ff;
  return e === 0 ? m * 2 ** -24 : (1024 + m) * 2 ** (e - 25);
}

const TABLE = Float64Array.from({ length: 0x7c00 }, (_, h) => decodeHalf(h));

/** x (a float32 value) rounded to the nearest half, as a number. */
export function halfReference(x: number): number {
  if (Number.isNaN(x) || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? -1 : 1;
  if (a >= 65520) return sign * Infinity;
  let lo = 0;
  let hi = TABLE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (TABLE[mid] <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === TABLE.length - 1) return sign * TABLE[lo];
  const below = a - TABLE[lo];
  const above = TABLE[lo + 1] - a;
  const pick = below < above || (below === above && lo % 2 === 0) ? lo : lo + 1;
  return sign * TABLE[pick];
}

/** Float32 values spread over ±2^-30 … 2^20, every fourth an exact tie between two halves. */
export function sampleValues(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const sign = rng.next() < 0.5 ? -1 : 1;
    if (i % 4 === 3) {
      const h = rng.int(0x7bfe);
      out[i] = (sign * (decodeHalf(h) + decodeHalf(h + 1))) / 2;
    } else {
      out[i] = sign * 2 ** (rng.next() * 50 - 30);
    }
  }
  return out;
}

/** Hand-picked cases: [input, expected half], exact in float32. */
export const HALF_CASES: [number, number][] = [
  [1, 1],
  [1 + 2 ** -11, 1], // exactly halfway between 1 and 1 + 2^-10: ties to even (1)
  [1 + 3 * 2 ** -11, 1 + 2 ** -9], // halfway between 1 + 2^-10 and 1 + 2^-9: ties to even
  [1 + 2 ** -12, 1], // below halfway
  [65504, 65504], // the largest half stays
  [65519, 65504], // rounds down to it
  [65520, Infinity], // halfway to 2^16: ties to even overflows
  [-65520, -Infinity],
  [1e6, Infinity],
  [2 ** -14, 2 ** -14], // smallest normal
  [2 ** -24, 2 ** -24], // smallest subnormal
  [2 ** -25, 0], // halfway between 0 and 2^-24: ties to even (0)
  [3 * 2 ** -25, 2 ** -23], // halfway between 2^-24 and 2^-23: ties to even (2^-23)
  [0.1, 0.0999755859375],
  [-2.5e-6, -42 * 2 ** -24],
  [0, 0],
  [Infinity, Infinity],
  [-Infinity, -Infinity],
];
