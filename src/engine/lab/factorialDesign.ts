/**
 * Two-level fractional factorial designs (Box, Hunter & Hunter, "Statistics for Experimenters",
 * ch. 6; Montgomery, "Design and Analysis of Experiments", table of minimum-aberration 2^(k−p)
 * designs). Each trick is a factor, off (−1) or on (+1). The first b tricks form a full 2^b
 * factorial; every further trick is switched by a generator, the product of some base factors'
 * levels (H = ABD: H is on where an odd number of A, B, D are off… with the sign chosen so that
 * the all-off baseline is one of the configs). The defining relation of the generators decides
 * what is confounded: at resolution IV no main effect is aliased with a two-trick interaction
 * (two-trick interactions alias one another); at resolution V two-trick interactions are clear
 * of each other too, so they can be estimated. The tests check each table entry's resolution.
 */

export type Resolution = 4 | 5;

/** Factor letters as the design tables print them (I is skipped, as it names the identity). */
export const FACTOR_LETTERS = 'ABCDEFGHJKLM';

/**
 * Generators by number of factors: base factors b (a full 2^b over the first b tricks) and one
 * word of base letters per further factor. Fewer factors than listed use a full factorial.
 */
const TABLE: Record<Resolution, Record<number, { base: number; generators: string[] }>> = {
  4: {
    4: { base: 3, generators: ['ABC'] },
    5: { base: 4, generators: ['ABCD'] },
    6: { base: 4, generators: ['ABC', 'BCD'] },
    7: { base: 4, generators: ['ABC', 'BCD', 'ACD'] },
    8: { base: 4, generators: ['BCD', 'ACD', 'ABC', 'ABD'] },
    9: { base: 5, generators: ['BCDE', 'ACDE', 'ABDE', 'ABCE'] },
    10: { base: 5, generators: ['ABCD', 'ABCE', 'ABDE', 'ACDE', 'BCDE'] },
    11: { base: 5, generators: ['ABC', 'BCD', 'CDE', 'ACD', 'ADE', 'BDE'] },
    12: { base: 5, generators: ['ABC', 'ABD', 'ABE', 'ACD', 'ACE', 'ADE', 'BCD'] },
  },
  5: {
    5: { base: 4, generators: ['ABCD'] },
    6: { base: 5, generators: ['ABCDE'] },
    7: { base: 6, generators: ['ABCDEF'] },
    8: { base: 6, generators: ['ABCD', 'ABEF'] },
    9: { base: 7, generators: ['ACDFG', 'BCEFG'] },
    10: { base: 7, generators: ['ABCG', 'BCDE', 'ACDF'] },
    11: { base: 7, generators: ['ABCG', 'BCDE', 'ACDF', 'ABCDEFG'] },
  },
};

/** Fewest and most tricks a factorial design takes, per resolution. */
export const FACTORIAL_LIMITS: Record<Resolution, { min: number; max: number }> = { 4: { min: 2, max: 12 }, 5: { min: 2, max: 11 } };

export interface FactorialDesign {
  resolution: Resolution;
  /** Number of factors (tricks). */
  factors: number;
  /** Generators as printed: 'E = BCD' (with '−' where the sign was flipped to keep the baseline). */
  generators: string[];
  /** One row per config: each factor's level, −1 (off) or +1 (on). Row 0 is all off. */
  rows: number[][];
}

const letterIndex = (letter: string): number => FACTOR_LETTERS.indexOf(letter);

/**
 * The design for `factors` tricks at `resolution`: a full 2^k factorial when that is the
 * smallest design of that resolution, else the table's fraction. Throws RangeError outside
 * FACTORIAL_LIMITS.
 */
export function factorialDesign(factors: number, resolution: Resolution): FactorialDesign {
  const { min, max } = FACTORIAL_LIMITS[resolution];
  if (!Number.isInteger(factors) || factors < min || factors > max) {
    throw new RangeError(`a resolution ${resolution === 4 ? 'IV' : 'V'} factorial design takes ${min} to ${max} tricks (got ${factors})`);
  }
  const entry = TABLE[resolution][factors] ?? { base: factors, generators: [] };
  const rows: number[][] = [];
  for (let r = 0; r < 2 ** entry.base; r++) {
    const base = Array.from({ length: entry.base }, (_, j) => ((r >> j) & 1 ? 1 : -1));
    // The sign makes the all-off base row switch the generated factor off too: (−1)^len · sign = −1.
    const generated = entry.generators.map((word) => -((-1) ** word.length) * [...word].reduce((p, l) => p * base[letterIndex(l)], 1));
    rows.push([...base, ...generated]);
  }
  const generators = entry.generators.map((word, i) => `${FACTOR_LETTERS[entry.base + i]} = ${word.length % 2 === 0 ? '−' : ''}${word}`);
  return { resolution, factors, generators, rows };
}

/** The design's resolution as built: the shortest word of its defining relation (Infinity for a full factorial). */
export function designResolution(rows: readonly (readonly number[])[]): number {
  const k = rows[0]?.length ?? 0;
  let shortest = Infinity;
  // A word (set of factors) is in the defining relation when the product of its columns is constant.
  for (let mask = 1; mask < 2 ** k; mask++) {
    const product = (row: readonly number[]) => row.reduce((p, v, j) => ((mask >> j) & 1 ? p * v : p), 1);
    const first = product(rows[0]);
    if (rows.every((row) => product(row) === first)) shortest = Math.min(shortest, popcount(mask));
  }
  return shortest;
}

function popcount(n: number): number {
  let c = 0;
  for (let m = n; m; m &= m - 1) c++;
  return c;
}
