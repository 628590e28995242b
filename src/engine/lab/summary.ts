/**
 * The results table's numbers: runs grouped by config (runs that differ only by seed form one
 * group), mean ± standard deviation over seeds of the final and best validation top-1 and the
 * final top-5, Δ of mean final top-1 against the reference config (the baseline, or 'all on'
 * in a leave-one-out plan), wall time and throughput. Claims come with their spread over seeds,
 * as airbench reports them; only finished runs count towards the statistics.
 */
import { canonicalJson } from '../canonicalJson';
import type { ExperimentConfig } from '../config';
import type { TeacherRecord } from './teacher';
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
  /** Finished runs / all runs of the group, and how many diverged. */
  finished: number;
  total: number;
  diverged: number;
  seeds: number[];
  finalTop1: Stat | null;
  bestTop1: Stat | null;
  finalTop5: Stat | null;
  /** Mean final top-1 minus the reference's (fractions; null without both). */
  deltaTop1: number | null;
  wallSeconds: Stat | null;
  imagesPerSecond: Stat | null;
}

/**
 * The key of a config's group: the config with its seed and name cleared, and the config of the
 * teacher it distilled from (also without seed and name), so runs taught by different teachers
 * never merge.
 */
export function groupKey(config: ExperimentConfig, teacher?: TeacherRecord | null): string {
  const cleared = { ...config, name: '', run: { ...config.run, seed: 0 } };
  return canonicalJson(teacher ? { ...cleared, teacher: groupKey(teacher.config) } : cleared);
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

/**
 * One row per config, in the order the configs first appear. The reference is the group with
 * key `referenceKey` when given, else the first group holding a run marked `reference`, else
 * the first group.
 */
export function summarise(runs: readonly LabRun[], referenceKey?: string | null): GroupSummary[] {
  const byKey = new Map<string, LabRun[]>();
  for (const run of runs) {
    const key = runGroupKey(run);
    const list = byKey.get(key) ?? [];
    list.push(run);
    byKey.set(key, list);
  }
  const marked = [...byKey].find(([, rs]) => rs.some((r) => r.reference))?.[0];
  const refKey = referenceKey && byKey.has(referenceKey) ? referenceKey : (marked ?? [...byKey.keys()][0] ?? null);
  const rows = [...byKey].map(([key, group]): GroupSummary => {
    const done = group.filter((r) => r.status === 'finished' && r.result?.final);
    const finals = done.map((r) => r.result!.final!);
    return {
      key,
      label: group[0].label,
      tricks: Object.entries(group[0].config.tricks)
        .filter(([, s]) => s.enabled)
        .map(([id]) => id),
      isReference: key === refKey,
      finished: done.length,
      total: group.length,
      diverged: group.filter((r) => r.status === 'diverged').length,
      seeds: [...new Set(group.map((r) => r.config.run.seed))].sort((a, b) => a - b),
      finalTop1: stat(finals.map((f) => f.valTop1)),
      bestTop1: stat(finals.map((f) => f.bestValTop1)),
      finalTop5: stat(finals.map((f) => f.valTop5)),
      deltaTop1: null,
      wallSeconds: stat(done.map((r) => r.result!.timings.wallSeconds)),
      imagesPerSecond: stat(done.map((r) => r.result!.timings.imagesPerSecond)),
    };
  });
  const ref = rows.find((r) => r.isReference)?.finalTop1 ?? null;
  for (const row of rows) row.deltaTop1 = ref && row.finalTop1 ? row.finalTop1.mean - ref.mean : null;
  return rows;
}

export type SortColumn = 'label' | 'finalTop1' | 'bestTop1' | 'finalTop5' | 'deltaTop1' | 'wallSeconds' | 'imagesPerSecond';

/** Rows sorted by a column (missing values last, whatever the direction). */
export function sortRows(rows: readonly GroupSummary[], column: SortColumn, descending: boolean): GroupSummary[] {
  const value = (r: GroupSummary): number | string | null => {
    if (column === 'label') return r.label;
    if (column === 'deltaTop1') return r.deltaTop1;
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
