/**
 * What a factorial plan measured: each trick's main effect on final top-1 and the two-trick
 * interactions, estimated from all configs of the design at once (Box, Hunter & Hunter ch. 5–6).
 * With levels x = −1 (off) / +1 (on) over the N configs of one seed,
 *   main effect of A      = mean(y | A on) − mean(y | A off)              = (2/N) Σ x_A·y
 *   interaction A×B       = (2/N) Σ x_A·x_B·y = half of (A's effect with B on − A's effect with B off).
 * Each seed is one replicate of the whole design (same initialisation and data order across its
 * configs, as the paired Δ uses), so an effect is estimated per seed and reported as the mean
 * over complete seeds with a 95% Student-t interval (pairedDelta.ts). A seed with a config that
 * did not finish is left out of the estimates and counted. At resolution IV two-trick
 * interactions alias one another: an interaction is reported with the chain it cannot be told
 * apart from.
 */
import type { LabRun } from './types';
import { excludesZero, meanInterval, seedOutcomes, type Interval } from './pairedDelta';
import { configWith, factorialResolution, type Plan } from './plan';
import { factorialDesign, type FactorialDesign } from './factorialDesign';
import { groupKey } from './summary';

export interface Effect extends Interval {
  /** Trick ids: one for a main effect, two for an interaction (the first of its alias chain). */
  tricks: string[];
  /** Other trick pairs whose interaction is confounded with this one (resolution IV). */
  aliases: string[][];
  excludesZero: boolean;
}

export interface FactorialAnalysis {
  design: FactorialDesign;
  tricks: string[];
  /** Seeds with every config finished (the replicates the estimates use). */
  completeSeeds: number[];
  /** Seeds missing at least one config's result, with how many configs are missing. */
  incompleteSeeds: { seed: number; missing: number }[];
  mainEffects: Effect[];
  /** Interaction alias chains, largest |effect| first. */
  interactions: Effect[];
}

/**
 * Effects of a factorial plan from the lab's groups (summary rows and their runs). A group
 * counts as a design config when its config is exactly the plan's for that set of tricks (on
 * whichever dataset it ran, with whichever teacher). Null when the plan is not factorial.
 */
export function analyseFactorial(plan: Plan, runsByKey: ReadonlyMap<string, readonly LabRun[]>): FactorialAnalysis | null {
  const resolution = factorialResolution(plan.mode);
  if (resolution === null) return null;
  const design = factorialDesign(plan.tricks.length, resolution);
  const t = plan.tricks;
  const rowOf = new Map(design.rows.map((row, i) => [row.join(), i]));
  // Per design row, the outcome of each seed.
  const outcomes: (ReturnType<typeof seedOutcomes> | undefined)[] = design.rows.map(() => undefined);
  for (const [key, runs] of runsByKey) {
    if (runs.length === 0) continue;
    const c = runs[0].config;
    const levels = t.map((id) => (c.tricks[id]?.enabled ? 1 : -1));
    const index = rowOf.get(levels.join());
    if (index === undefined) continue;
    const expected = configWith(plan, t.filter((_, j) => levels[j] > 0), '', c.run.seed);
    expected.data = { ...expected.data, dataset: c.data.dataset };
    if (groupKey(expected, runs[0].teacher) === key) outcomes[index] = seedOutcomes(runs);
  }
  const seeds = [...new Set(outcomes.flatMap((o) => (o ? [...o.keys()] : [])))].sort((a, b) => a - b);
  const completeSeeds: number[] = [];
  const incompleteSeeds: { seed: number; missing: number }[] = [];
  const y = new Map<number, number[]>();
  for (const seed of seeds) {
    const values = outcomes.map((o) => {
      const v = o?.get(seed);
      return v && 'value' in v ? v.value : null;
    });
    const missing = values.filter((v) => v === null).length;
    if (missing === 0) {
      completeSeeds.push(seed);
      y.set(seed, values as number[]);
    } else incompleteSeeds.push({ seed, missing });
  }
  const n = design.rows.length;
  const estimate = (column: readonly number[]): Interval | null =>
    meanInterval(completeSeeds.map((s) => (2 / n) * y.get(s)!.reduce((sum, v, i) => sum + column[i] * v, 0)));
  const effect = (tricks: string[], aliases: string[][], column: readonly number[]): Effect[] => {
    const i = estimate(column);
    return i ? [{ ...i, tricks, aliases, excludesZero: excludesZero(i) }] : [];
  };
  const mainEffects = t.flatMap((id, j) => effect([id], [], design.rows.map((r) => r[j])));
  // Two-trick interaction columns; identical (or opposite) columns form one alias chain.
  const chains = new Map<string, { pairs: string[][]; column: number[] }>();
  for (let a = 0; a < t.length; a++) {
    for (let b = a + 1; b < t.length; b++) {
      const column = design.rows.map((r) => r[a] * r[b]);
      const sign = column[0];
      const id = column.map((v) => v * sign).join();
      const chain = chains.get(id);
      if (chain) chain.pairs.push([t[a], t[b]]);
      else chains.set(id, { pairs: [[t[a], t[b]]], column });
    }
  }
  const interactions = [...chains.values()]
    .flatMap((c) => effect(c.pairs[0], c.pairs.slice(1), c.column))
    .sort((p, q) => Math.abs(q.mean) - Math.abs(p.mean));
  return { design, tricks: [...t], completeSeeds, incompleteSeeds, mainEffects, interactions };
}
