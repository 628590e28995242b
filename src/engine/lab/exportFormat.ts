/**
 * The lab's export: one versioned JSON document with the plan, every ended run (its full
 * config, per-epoch and sampled per-step metrics, final metrics, timings, status and message,
 * as the RunResult of results.ts) and the environment it ran in. The browser's "Export JSON"
 * and `npm run ablate` write it; the import reads it back (importLab.ts). Since schema 2 it
 * also carries the results table's comparison: per config, how its seeds ended and the paired
 * Δ of final top-1 against the reference with its 95% interval and every seed pair, so a reader
 * of the file sees the claim and the numbers it rests on. Documented in docs/export-format.md,
 * with the JSON Schema docs/lab-export.schema.json.
 */
import type { BackendInfo } from '../events';
import { APP_NAME, APP_VERSION, type RunResult } from '../results';
import { CONFIDENCE, describeSeeds, type SeedCounts, type SeedPair } from './pairedDelta';
import type { Plan } from './plan';
import { runGroupKey, summarise } from './summary';
import type { TeacherRecord } from './teacher';
import type { LabRun } from './types';

/** The `format` field: says what the file is before anything else is read. */
export const EXPORT_FORMAT = 'trick-lab-ablation';
/** Bump when the shape changes; files of a newer version are refused with a message. */
export const EXPORT_SCHEMA_VERSION = 2;
/** Versions the import reads: 1 (no `summary`) and the current one. */
export const READABLE_EXPORT_VERSIONS: readonly number[] = [1, 2];

/** Where the export was made (each run also records its own environment). */
export interface ExportEnvironment {
  /** The tfjs backend and GPU adapter, or null when none had started. */
  backend: BackendInfo | null;
  /** navigator.userAgent, or 'node vX (platform arch)'. */
  userAgent: string;
  runtime: 'browser' | 'node';
  appVersion: string;
}

export interface ExportedRun {
  id: string;
  label: string;
  planKey: string | null;
  reference: boolean;
  teacherRunId: string | null;
  /** The teacher's record (run, config, final top-1); absent in files written before it was kept. */
  teacher?: TeacherRecord | null;
  result: RunResult;
}

/** The paired Δ of one config against the reference (fractions; interval null with one pair). */
export interface ExportedDelta {
  metric: 'final valTop1';
  confidence: number;
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  excludesZero: boolean;
  pairs: SeedPair[];
}

/** One row of the results table, as exported. */
export interface ExportedConfigSummary {
  label: string;
  tricks: string[];
  reference: boolean;
  /** The exported runs of this config. */
  runIds: string[];
  seeds: SeedCounts;
  /** "2 of 3 seeds finished; 1 diverged". */
  seedStatus: string;
  delta: ExportedDelta | null;
}

export interface LabExport {
  format: typeof EXPORT_FORMAT;
  schemaVersion: number;
  app: { name: string; version: string };
  exportedAt: string;
  environment: ExportEnvironment;
  plan: Plan | null;
  runs: ExportedRun[];
  /** Absent in schema 1 files. */
  summary?: ExportedConfigSummary[];
}

/** The results table of `runs` against the config `referenceKey` (default: as the table picks it). */
export function exportSummary(runs: readonly LabRun[], referenceKey?: string | null): ExportedConfigSummary[] {
  const ids = new Map<string, string[]>();
  for (const r of runs) {
    const key = runGroupKey(r);
    ids.set(key, [...(ids.get(key) ?? []), r.id]);
  }
  return summarise(runs, referenceKey).map((row) => ({
    label: row.label,
    tricks: row.tricks,
    reference: row.isReference,
    runIds: ids.get(row.key) ?? [],
    seeds: row.counts,
    seedStatus: describeSeeds(row.counts),
    delta: row.delta
      ? { metric: 'final valTop1', confidence: CONFIDENCE, mean: row.delta.mean, ciLow: row.delta.low, ciHigh: row.delta.high, n: row.delta.n, excludesZero: row.delta.excludesZero, pairs: row.delta.pairs }
      : null,
  }));
}

/** The export of a lab: runs that ended (queued, running and interrupted ones are left out). */
export function buildExport(
  plan: Plan | null,
  runs: readonly LabRun[],
  environment: Omit<ExportEnvironment, 'appVersion'>,
  exportedAt: Date,
  referenceKey?: string | null,
): LabExport {
  const ended = runs.filter((r) => r.result !== null);
  return {
    format: EXPORT_FORMAT,
    schemaVersion: EXPORT_SCHEMA_VERSION,
    app: { name: APP_NAME, version: APP_VERSION },
    exportedAt: exportedAt.toISOString(),
    environment: { ...environment, appVersion: APP_VERSION },
    plan,
    runs: ended.map((r) => ({ id: r.id, label: r.label, planKey: r.planKey, reference: r.reference, teacherRunId: r.teacherRunId, teacher: r.teacher ?? null, result: r.result! })),
    summary: exportSummary(ended, referenceKey),
  };
}

/** The LabRun an exported run becomes when imported. */
export function fromExportedRun(run: ExportedRun, origin: string): LabRun {
  const r = run.result;
  return {
    id: run.id,
    label: run.label,
    planKey: run.planKey,
    reference: run.reference,
    config: r.config,
    status: r.status,
    message: r.message,
    epochs: r.epochs,
    steps: r.steps,
    result: r,
    source: 'imported',
    origin,
    teacherRunId: run.teacherRunId,
    teacher: run.teacher ?? null,
    checkpointEpoch: null,
    hasWeights: false,
    createdAt: r.timings.startedAt,
  };
}
