// Axes for any number: a bounded count of nice ticks whatever the values (a loss of 1e300, the
// largest double, Infinity, NaN, a constant), ends on whole steps, and short labels.
import { describe, expect, it } from 'vitest';
import { finiteExtent, formatTick, linearAxis, logAxis, niceStep, TICK_COUNT, tickFormatFor } from './ticks';

describe('chart ticks', () => {
  it('picks 1, 2 or 5 × 10^k steps', () => {
    expect(niceStep(3, 5)).toBe(1);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(20, 5)).toBe(5);
    expect(niceStep(45, 5)).toBe(10);
    expect(niceStep(1e300, 5)).toBeCloseTo(2e299, -285);
  });

  it('gives the loss axis of a normal run: 0 to 3 in whole steps', () => {
    expect(linearAxis([2.31, 1.7, 0.9], [0, 3])).toEqual({ domain: [0, 3], ticks: [0, 1, 2, 3] });
  });

  it('keeps at most count + 1 ticks for huge, infinite and odd values', () => {
    for (const values of [[1e300], [6.8e11], [Number.MAX_VALUE], [-Number.MAX_VALUE, Number.MAX_VALUE], [Infinity, 2], [NaN], [], [5, 5], [1e-320, 2e-320]]) {
      const axis = linearAxis(values, [0, 3]);
      expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
      expect(axis.ticks.length).toBeLessThanOrEqual(TICK_COUNT + 3);
      expect(axis.ticks.every(Number.isFinite)).toBe(true);
      expect(axis.domain.every(Number.isFinite)).toBe(true);
      const finite = values.filter(Number.isFinite);
      for (const v of finite) expect(v >= axis.domain[0] && v <= axis.domain[1]).toBe(true);
    }
    expect(linearAxis([1e300], [0, 3])).toEqual({ domain: [0, 1e300], ticks: [0, 2e299, 4e299, 6e299, 8e299, 1e300] });
    expect(linearAxis([6.8e11], [0])).toEqual({ domain: [0, 8e11], ticks: [0, 2e11, 4e11, 6e11, 8e11] });
  });

  it('spans decades on a log axis, every k-th when there are many', () => {
    expect(logAxis([2.3, 0.05])).toEqual({ domain: [0.01, 10], ticks: [0.01, 0.1, 1, 10] });
    const wide = logAxis([1e-3, 1e300, Infinity, 0, -1]);
    expect(wide.ticks.length).toBeLessThanOrEqual(TICK_COUNT + 1);
    expect(wide.domain[0]).toBe(1e-3);
    expect(wide.domain[1]).toBeGreaterThanOrEqual(1e300);
    expect(logAxis([Number.MAX_VALUE]).domain[1]).toBe(1e308);
    expect(logAxis([]).domain).toEqual([1, 10]);
  });

  it('ignores non-finite values in the extent', () => {
    expect(finiteExtent([NaN, 3, -Infinity, 1, Infinity])).toEqual([1, 3]);
    expect(finiteExtent([NaN])).toBeNull();
  });

  it('labels ticks in a few characters', () => {
    expect([0, 0.5, 2.5, 250, 12000, 1e300, 3e-7, 0.1 + 0.2].map(formatTick)).toEqual(['0', '0.5', '2.5', '250', '1.2e+4', '1e+300', '3e-7', '0.3']);
  });
});

describe('tickFormatFor', () => {
  it('labels close ticks apart, where three significant digits made them alike', () => {
    const { ticks } = linearAxis([2.352, 2.374]);
    expect(ticks).toEqual([2.35, 2.355, 2.36, 2.365, 2.37, 2.375]);
    expect(new Set(ticks.map(formatTick)).size).toBeLessThan(ticks.length); // the old labels
    expect(ticks.map(tickFormatFor(ticks))).toEqual(['2.35', '2.355', '2.36', '2.365', '2.37', '2.375']);
  });

  it('scales and suffixes (accuracy as a percentage), with the decimals the scaled step needs', () => {
    expect([0.08, 0.1, 0.12].map(tickFormatFor([0.08, 0.1, 0.12], 100, '%'))).toEqual(['8%', '10%', '12%']);
    expect([0.094, 0.095, 0.096].map(tickFormatFor([0.094, 0.095, 0.096], 100, '%'))).toEqual(['9.4%', '9.5%', '9.6%']);
  });

  it("keeps formatTick's label for exponent-sized values and for a single tick", () => {
    expect(tickFormatFor([0, 20000, 40000])(20000)).toBe('2e+4');
    expect(tickFormatFor([2.355])(2.355)).toBe(formatTick(2.355));
  });
});
