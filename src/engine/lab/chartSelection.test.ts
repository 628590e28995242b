import { describe, expect, it } from 'vitest';
import { chartedKeys } from './chartSelection';
import type { GroupSummary } from './summary';

/** Rows g0…g(n−1), g0 the reference, Δ of gi = i/100 (g3 has no Δ yet). */
function rows(n: number): GroupSummary[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `g${i}`,
    isReference: i === 0,
    delta: i === 3 ? null : { mean: i / 100, low: null, high: null, n: 1, pairs: [], excludesZero: false },
  })) as unknown as GroupSummary[];
}

describe('chartedKeys', () => {
  it('draws every config of a small lab', () => {
    expect([...chartedKeys(rows(5), new Set())]).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
  });

  it('in a big lab: the reference, top and bottom k by Δ, then picked ones, in table order', () => {
    const keys = chartedKeys(rows(100), new Set(['g50', 'g3', 'missing']), 2, 8);
    // Lowest Δ: g1, g2 (g3 has none); highest: g99, g98.
    expect([...keys]).toEqual(['g0', 'g1', 'g2', 'g3', 'g50', 'g98', 'g99']);
  });

  it('never more than max, picked ones last to go', () => {
    const picked = new Set(Array.from({ length: 20 }, (_, i) => `g${10 + i}`));
    expect(chartedKeys(rows(1000), picked, 2, 8).size).toBe(8);
  });
});
