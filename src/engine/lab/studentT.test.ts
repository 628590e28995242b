import { describe, expect, it } from 'vitest';
import { incompleteBeta, studentTCdf, studentTQuantile } from './studentT';

describe('Student t', () => {
  it('quantiles match the printed table (two-sided 95%, 99% and one-sided 95%)', () => {
    // Values of t(p, df) as tabulated (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), 6+ digits.
    const table: [number, number, number][] = [
      [0.975, 1, 12.7062047],
      [0.975, 2, 4.30265273],
      [0.975, 3, 3.18244631],
      [0.975, 4, 2.77644511],
      [0.975, 9, 2.26215716],
      [0.975, 29, 2.04522964],
      [0.975, 100, 1.98397152],
      [0.95, 5, 2.01504837],
      [0.995, 10, 3.16927267],
    ];
    for (const [p, df, t] of table) expect(studentTQuantile(p, df)).toBeCloseTo(t, 6);
    expect(studentTQuantile(0.025, 2)).toBeCloseTo(-4.30265273, 6);
    expect(studentTQuantile(0.5, 7)).toBeCloseTo(0, 10);
  });

  it('the CDF: t = 1 with one degree of freedom is the Cauchy 3/4; symmetric', () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTCdf(0, 4)).toBeCloseTo(0.5, 12);
    // df = 2 has the closed form 1/2 + t / (2·√(2 + t²)).
    expect(studentTCdf(1.5, 2)).toBeCloseTo(0.5 + 1.5 / (2 * Math.sqrt(2 + 2.25)), 12);
    expect(studentTCdf(-1.5, 2) + studentTCdf(1.5, 2)).toBeCloseTo(1, 12);
  });

  it('incomplete beta: I_x(1, 1) = x and I_x(2, 1) = x²', () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.7, 2, 1)).toBeCloseTo(0.49, 12);
  });

  it('refuses p outside (0, 1) and df below 1', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be in/);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/degrees of freedom/);
  });
});
