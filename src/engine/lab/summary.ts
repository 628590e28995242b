/**
 * The results table's numbers: runs grouped by config (runs that differ only by seed form one
 * group), mean ± standard deviation over seeds of the final and peak validation top-1 and the
 * final top-5, the paired Δ of final top-1 against the reference config (the baseline, or 'all
 * on' in a leave-one-out plan) with its 95% interval (pairedDelta.ts), how every seed ended,
 * wall time and throughput. Claims come with their spread over seeds, as airbench reports them;
 * only finished runs count towards the statistics, and the others are counted by status.
 * The peak top-1 is the best epoch chosen on the validation (test) split itself, so it is
 * optimistic; the headline and Δ use the final epoch.
 */
import { canonicalJson } from '../canonicalJson';
import type { ExperimentConfig } from '../config';
import type { TeacherRecord } from './teacher';
import { countSeeds, pairedDelta, seedOutcomes, type PairedDelta, type SeedCounts } from './pairedDelta';
import type { LabRun } from './types';

/** Mean, sample standard deviation (n − 1; 0 for one value) and count. */
export interface Stat {
  mean: number;
  std: number;
  n: number;
}

export interface GroupSummary {
  /** Identifies the config without its seed and name. */
  key: string;
  label: string;
  /** Trick ids switched on. */
  tricks: string[];
  isReference: boolean;
  /** How the config's seeds ended. */
  counts: SeedCounts;
  /** All runs of the group (a seed run twice counts twice). */
  total: number;
  seeds: number[];
  finalTop1: Stat | null;
  /** Best epoch's top-1, chosen on the validation split: optimistic. */
  peakTop1: Stat | null;
  finalTop5: Stat | null;
  /** Paired Δ of final top-1 against the reference (fractions); null without a common finished seed. */
  delta: PairedDelta | null;
  wallSeconds: Stat | null;
  imagesPerSecond: Stat | null;
}

/** Keys of configs without a teacher, by config object: a run's config is keyed once however often the lab changes. */
const keys = new WeakMap<ExperimentConfig, string>();

/**
 * The key of a config's group: the config with its seed and name cleared, and the config of the
 * teacher it distilled from (also without seed and name), so runs taught by different teachers
 * never merge.
 */
export function groupKey(config: ExperimentConfig, teacher?: TeacherRecord | null): string {
  if (teacher) return canonicalJson({ ...config, name: '', run: { ...config.run, seed: 0 }, teacher: groupKey(teacher.config) });
  let key = keys.get(config);
  if (key === undefined) {
    key = canonicalJson({ ...config, name: '', run: { ...config.run, seed: 0 } });
    keys.set(config, key);
  }
  return key;
}

/** Whether a run's group key is at hand without work (computed before, or cheap: a taught run is keyed afresh). */
export function groupKeyCached(run: LabRun): boolean {
  return run.teacher ? true : keys.has(run.config);
}

/** The group key of a run: its config and its teacher. */
export const runGroupKey = (run: LabRun): string => groupKey(run.config, run.teacher);

/** Mean and sample standard deviation; null for no values. */
export function stat(values: readonly number[]): Stat | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

/** Runs by group key, groups in the order their first run appears. */
export function groupRuns(runs: readonly LabRun[]): Map<string, LabRun[]> {
  const byKey = new Map<string, LabRun[]>();
  for (const run of runs) {
    const key = runGroupKey(run);
    const list = byKey.get(key);
    if (list) list.push(run);
    else byKey.set(key, [run]);
  }
  return byKey;
}

/**
 * One row per config, in the order the configs first appear. The reference is the group with
 * key `referenceKey` when given, else the first group holding a run marked `reference`, else
 * the first group.
 */
export function summarise(runs: readonly LabRun[], referenceKey?: string | null): GroupSummary[] {
  const plan = summaryPlan(groupRuns(runs), referenceKey);
  return [...plan.byKey].map(([key, group]) => summaryRow(plan, key, group));
}

/** What every row needs: the groups, the reference's key and its seeds' outcomes. */
export interface SummaryPlan {
  byKey: ReadonlyMap<string, readonly LabRun[]>;
  refKey: string | null;
  refOutcomes: ReturnType<typeof seedOutcomes> | null;
}

/** The reference of the rows (see summarise), for summaryRow; rows may then be built a slice at a time. */
export function summaryPlan(byKey: ReadonlyMap<string, readonly LabRun[]>, referenceKey?: string | null): SummaryPlan {
  const marked = [...byKey].find(([, rs]) => rs.some((r) => r.reference))?.[0];
  const refKey = referenceKey && byKey.has(referenceKey) ? referenceKey : (marked ?? [...byKey.keys()][0] ?? null);
  return { byKey, refKey, refOutcomes: refKey ? seedOutcomes(byKey.get(refKey) ?? []) : null };
}

/** One config's row. */
export function summaryRow(plan: SummaryPlan, key: string, group: readonly LabRun[]): GroupSummary {
  const done = group.filter((r) => r.status === 'finished' && r.result?.final);
  const finals = done.map((r) => r.result!.final!);
  const outcomes = seedOutcomes(group);
  return {
    key,
    label: group[0].label,
    tricks: Object.entries(group[0].config.tricks)
      .filter(([, s]) => s.enabled)
      .map(([id]) => id),
    isReference: key === plan.refKey,
    counts: countSeeds(outcomes),
    total: group.length,
    seeds: [...outcomes.keys()].sort((a, b) => a - b),
    finalTop1: stat(finals.map((f) => f.valTop1)),
    peakTop1: stat(finals.map((f) => f.bestValTop1)),
    finalTop5: stat(finals.map((f) => f.valTop5)),
    delta: plan.refOutcomes ? pairedDelta(plan.refOutcomes, outcomes) : null,
    wallSeconds: stat(done.map((r) => r.result!.timings.wallSeconds)),
    imagesPerSecond: stat(done.map((r) => r.result!.timings.imagesPerSecond)),
  };
}

export type SortColumn = 'label' | 'finalTop1' | 'peakTop1' | 'finalTop5' | 'delta' | 'wallSeconds' | 'imagesPerSecond';

/** Rows sorted by a column (missing values last, whatever the direction). */
export function sortRows(rows: readonly GroupSummary[], column: SortColumn, descending: boolean): GroupSummary[] {
  const value = (r: GroupSummary): number | string | null => {
    if (column === 'label') return r.label;
    if (column === 'delta') return r.delta?.mean ?? null;
    return r[column]?.mean ?? null;
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === null ? (vb === null ? 0 : 1) : -1;
    const order = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
    return descending ? -order : order;
  });
}
