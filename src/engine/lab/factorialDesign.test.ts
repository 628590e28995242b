import { describe, expect, it } from 'vitest';
import { designResolution, factorialDesign } from './factorialDesign';

const IV_SIZES: Record<number, number> = { 2: 4, 3: 8, 4: 8, 5: 16, 6: 16, 7: 16, 8: 16, 9: 32, 10: 32, 11: 32, 12: 32 };
const V_SIZES: Record<number, number> = { 2: 4, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 8: 64, 9: 128, 10: 128, 11: 128 };

describe('factorialDesign', () => {
  it('8 tricks: 16 configs at resolution IV (E = BCD, F = ACD, G = ABC, H = ABD), 64 at resolution V', () => {
    const iv = factorialDesign(8, 4);
    expect(iv.rows).toHaveLength(16);
    expect(iv.generators).toEqual(['E = BCD', 'F = ACD', 'G = ABC', 'H = ABD']);
    expect(designResolution(iv.rows)).toBe(4);
    // Row 0 is the baseline; row 1 switches A on, and with it F, G, H (each an odd word holding A).
    expect(iv.rows[0]).toEqual([-1, -1, -1, -1, -1, -1, -1, -1]);
    expect(iv.rows[1]).toEqual([1, -1, -1, -1, -1, 1, 1, 1]);
    const v = factorialDesign(8, 5);
    expect(v.rows).toHaveLength(64);
    expect(designResolution(v.rows)).toBe(5);
  });

  it('every table entry has the size and at least the resolution it claims, distinct balanced configs, the baseline first', () => {
    for (const [resolution, sizes] of [
      [4, IV_SIZES],
      [5, V_SIZES],
    ] as const) {
      for (const [k, size] of Object.entries(sizes)) {
        const d = factorialDesign(Number(k), resolution);
        expect(d.rows, `k=${k} res ${resolution}`).toHaveLength(size);
        expect(designResolution(d.rows), `k=${k} res ${resolution}`).toBeGreaterThanOrEqual(resolution);
        expect(new Set(d.rows.map((r) => r.join())).size).toBe(size);
        expect(d.rows[0].every((v) => v === -1)).toBe(true);
        for (let j = 0; j < Number(k); j++) expect(d.rows.reduce((s, r) => s + r[j], 0)).toBe(0);
      }
    }
  });

  it('a resolution III fraction is recognised as such (the check can fail)', () => {
    // 2^(3−1) with C = AB: the word ABC has length 3.
    const rows = [
      [-1, -1, 1],
      [1, -1, -1],
      [-1, 1, -1],
      [1, 1, 1],
    ];
    expect(designResolution(rows)).toBe(3);
  });

  it('refuses too few or too many tricks', () => {
    expect(() => factorialDesign(1, 4)).toThrow(/takes 2 to 12 tricks \(got 1\)/);
    expect(() => factorialDesign(12, 5)).toThrow(/resolution V factorial design takes 2 to 11/);
  });
});
