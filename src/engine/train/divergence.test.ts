// A run diverges on NaN or Infinity, or on a finite loss past 1e4 × ln(classes): ln 10 = 2.302585,
// so 10 classes allow up to 23,025.85 and refuse 23,026; 100 classes allow up to 46,051.7.
import { describe, expect, it } from 'vitest';
import { DIVERGENCE_FACTOR, divergence, startingLoss } from './divergence';

describe('divergence', () => {
  it('starts from the loss of a uniform guess', () => {
    expect(startingLoss(10)).toBeCloseTo(2.302585, 6);
    expect(startingLoss(100)).toBeCloseTo(4.60517, 5);
    expect(startingLoss(1)).toBeCloseTo(Math.LN2, 12); // one class: ln 2, not 0 (which would refuse every loss)
    expect(DIVERGENCE_FACTOR).toBe(1e4);
  });

  it('passes healthy and spiking losses, refuses exploded ones with the value and the start', () => {
    expect(divergence(2.3, 10)).toBeNull();
    expect(divergence(230, 10)).toBeNull();
    expect(divergence(23_025, 10)).toBeNull();
    expect(divergence(23_026, 10)).toBe('the training loss is 2.3e+4, more than 10,000 times its start (2.30, a uniform guess over 10 classes)');
    expect(divergence(46_000, 100)).toBeNull();
    expect(divergence(6.8e11, 10)).toBe('the training loss is 6.8e+11, more than 10,000 times its start (2.30, a uniform guess over 10 classes)');
    expect(divergence(1e300, 10)).toMatch(/^the training loss is 1\.0e\+300, more than/);
  });

  it('refuses NaN and infinite losses', () => {
    expect(divergence(Number.NaN, 10)).toBe('the training loss is NaN');
    expect(divergence(Infinity, 10)).toBe('the training loss is Infinity');
    expect(divergence(-Infinity, 10)).toBe('the training loss is -Infinity');
  });
});
