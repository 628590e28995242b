/**
 * Paired comparison of a config against the reference. Runs with the same seed share their
 * initialisation and data order, so the difference of their final top-1 removes most of the
 * seed-to-seed spread; Δ is the mean of those per-seed differences over the seeds that finished
 * in both arms, with a two-sided Student-t interval on the differences (Student 1908; the
 * paired t interval of any statistics text): mean ± t(1 − α/2, n − 1) · sd / √n. One pair gives
 * Δ but no interval. Seeds that did not finish are counted by status, never dropped silently.
 */
import type { LabRun } from './types';
import { studentTQuantile } from './studentT';

/** The confidence of every interval the lab reports. */
export const CONFIDENCE = 0.95;

/** A mean with its two-sided interval (null below two values). */
export interface Interval {
  mean: number;
  low: number | null;
  high: number | null;
  n: number;
}

/** One seed finished in both arms. */
export interface SeedPair {
  seed: number;
  /** Final top-1 of the reference and of this config with that seed (fractions). */
  reference: number;
  value: number;
  /** value − reference. */
  difference: number;
}

export interface PairedDelta extends Interval {
  pairs: SeedPair[];
  /** The interval lies wholly above or wholly below 0. */
  excludesZero: boolean;
}

/** How the seeds of one config ended (a seed run more than once counts once: see seedOutcomes). */
export interface SeedCounts {
  seeds: number;
  finished: number;
  diverged: number;
  failed: number;
  stopped: number;
  cancelled: number;
  /** Queued, running or interrupted. */
  pending: number;
}

/** Mean with a `confidence` Student-t interval; null for no values, no interval for one. */
export function meanInterval(values: readonly number[], confidence = CONFIDENCE): Interval | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, low: null, high: null, n };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half, n };
}

/** Whether an interval lies wholly on one side of 0 (never for a single value). */
export function excludesZero(i: Interval): boolean {
  return i.low !== null && i.high !== null && (i.low > 0 || i.high < 0);
}

/**
 * Per seed of a config's runs: its final top-1 when a run with that seed finished (the mean if
 * several did), else the status of its latest run.
 */
export function seedOutcomes(runs: readonly LabRun[]): Map<number, { value: number } | { status: LabRun['status'] }> {
  const out = new Map<number, { value: number } | { status: LabRun['status'] }>();
  const finished = new Map<number, number[]>();
  for (const run of runs) {
    const seed = run.config.run.seed;
    const top1 = run.status === 'finished' ? run.result?.final?.valTop1 : undefined;
    if (top1 !== undefined && Number.isFinite(top1)) finished.set(seed, [...(finished.get(seed) ?? []), top1]);
    else out.set(seed, { status: run.status });
  }
  for (const [seed, values] of finished) out.set(seed, { value: values.reduce((s, v) => s + v, 0) / values.length });
  return out;
}

/** Counts of a config's seeds by how they ended. */
export function countSeeds(outcomes: ReturnType<typeof seedOutcomes>): SeedCounts {
  const c: SeedCounts = { seeds: outcomes.size, finished: 0, diverged: 0, failed: 0, stopped: 0, cancelled: 0, pending: 0 };
  for (const o of outcomes.values()) {
    if ('value' in o) c.finished++;
    else if (o.status === 'diverged' || o.status === 'failed' || o.status === 'stopped' || o.status === 'cancelled') c[o.status]++;
    else c.pending++;
  }
  return c;
}

/** "2 of 3 seeds finished; 1 diverged" (the table's and the export's wording). */
export function describeSeeds(c: SeedCounts): string {
  const head = `${c.finished} of ${c.seeds} seed${c.seeds === 1 ? '' : 's'} finished`;
  const rest = (['diverged', 'failed', 'stopped', 'cancelled'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  if (c.pending > 0) rest.push(`${c.pending} to run`);
  return rest.length ? `${head}; ${rest.join(', ')}` : head;
}

/** Δ of `arm` against `reference` over the seeds finished in both; null without such a seed. */
export function pairedDelta(reference: ReturnType<typeof seedOutcomes>, arm: ReturnType<typeof seedOutcomes>, confidence = CONFIDENCE): PairedDelta | null {
  const pairs: SeedPair[] = [];
  for (const [seed, o] of arm) {
    const r = reference.get(seed);
    if ('value' in o && r && 'value' in r) pairs.push({ seed, reference: r.value, value: o.value, difference: o.value - r.value });
  }
  pairs.sort((a, b) => a.seed - b.seed);
  const interval = meanInterval(
    pairs.map((p) => p.difference),
    confidence,
  );
  return interval ? { ...interval, pairs, excludesZero: excludesZero(interval) } : null;
}
