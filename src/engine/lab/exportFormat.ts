/**
 * The lab's export: one versioned JSON document with the plan, every ended run (its full
 * config, per-epoch and sampled per-step metrics, final metrics, timings, status and message,
 * as the RunResult of results.ts) and the environment it ran in. The browser's "Export JSON"
 * and `npm run ablate` write it; the import reads it back (importLab.ts). Documented in
 * docs/export-format.md, with the JSON Schema docs/lab-export.schema.json.
 */
import type { BackendInfo } from '../events';
import { APP_NAME, APP_VERSION, type RunResult } from '../results';
import type { Plan } from './plan';
import type { TeacherRecord } from './teacher';
import type { LabRun } from './types';

/** The `format` field: says what the file is before anything else is read. */
export const EXPORT_FORMAT = 'trick-lab-ablation';
/** Bump when the shape changes; files of a newer version are refused with a message. */
export const EXPORT_SCHEMA_VERSION = 1;

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

export interface LabExport {
  format: typeof EXPORT_FORMAT;
  schemaVersion: number;
  app: { name: string; version: string };
  exportedAt: string;
  environment: ExportEnvironment;
  plan: Plan | null;
  runs: ExportedRun[];
}

/** The export of a lab: runs that ended (queued, running and interrupted ones are left out). */
export function buildExport(plan: Plan | null, runs: readonly LabRun[], environment: Omit<ExportEnvironment, 'appVersion'>, exportedAt: Date): LabExport {
  return {
    format: EXPORT_FORMAT,
    schemaVersion: EXPORT_SCHEMA_VERSION,
    app: { name: APP_NAME, version: APP_VERSION },
    exportedAt: exportedAt.toISOString(),
    environment: { ...environment, appVersion: APP_VERSION },
    plan,
    runs: runs.flatMap((r) =>
      r.result ? [{ id: r.id, label: r.label, planKey: r.planKey, reference: r.reference, teacherRunId: r.teacherRunId, teacher: r.teacher ?? null, result: r.result }] : [],
    ),
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
