import { describe, expect, it } from 'vitest';
import { createRng } from './rng';

describe('createRng', () => {
  it('repeats a sequence for a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('has the moments of its distributions (10,000 draws)', () => {
    const r = createRng(7);
    const n = 10000;
    const u = Array.from({ length: n }, () => r.next());
    const z = Array.from({ length: n }, () => r.normal());
    const b = Array.from({ length: n }, () => r.beta(0.2, 0.2));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = (xs: number[]) => {
      const m = mean(xs);
      return mean(xs.map((x) => (x - m) ** 2));
    };
    expect(mean(u)).toBeCloseTo(0.5, 1);
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(variance(z)).toBeCloseTo(1, 1);
    expect(Math.min(...b)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...b)).toBeLessThanOrEqual(1);
  });

  it('draws Beta(α, α) with variance 1/(4(2α + 1)), tight enough to tell α = 0.2 from 0.4', () => {
    // Var = 0.1786 at α = 0.2 and 0.1389 at α = 0.4 (0.04 apart). With 40,000 draws the sample
    // variance's standard error is below 0.001, so a ±0.004 band holds one and excludes the other.
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = (xs: number[]) => {
      const m = mean(xs);
      return mean(xs.map((x) => (x - m) ** 2));
    };
    const r = createRng(11);
    for (const alpha of [0.2, 0.4, 1, 3]) {
      const xs = Array.from({ length: 40000 }, () => r.beta(alpha, alpha));
      expect(Math.abs(mean(xs) - 0.5), `mean at α = ${alpha}`).toBeLessThan(0.006);
      expect(Math.abs(variance(xs) - 1 / (4 * (2 * alpha + 1))), `variance at α = ${alpha}`).toBeLessThan(0.004);
    }
    // An asymmetric one checks the two gammas are not swapped: Beta(2, 5) has mean 2/7.
    expect(Math.abs(mean(Array.from({ length: 40000 }, () => r.beta(2, 5))) - 2 / 7)).toBeLessThan(0.004);
  });

  it('permutes every index exactly once; forks are independent and repeatable', () => {
    const p = createRng(3).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(createRng(3).fork('init').next()).toBe(createRng(3).fork('init').next());
    expect(createRng(3).fork('init').next()).not.toBe(createRng(3).fork('data').next());
  });

  it('saves and restores its state: the draws after restore repeat exactly, normals included', () => {
    const r = createRng(5);
    for (let i = 0; i < 17; i++) r.next();
    r.normal(); // leaves a cached second normal in the state
    const saved = r.save();
    expect(saved.spare).not.toBeNull();
    const after = [r.normal(), r.next(), r.int(1000), r.beta(0.2, 0.2)];
    const other = createRng(999);
    other.restore(JSON.parse(JSON.stringify(saved)));
    expect([other.normal(), other.next(), other.int(1000), other.beta(0.2, 0.2)]).toEqual(after);
    expect(() => other.restore({ words: [1, 2, 3, -1], spare: null })).toThrow(/32-bit/);
  });
});
