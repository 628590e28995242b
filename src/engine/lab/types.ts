/**
 * The runs of the ablation lab as plain data: what the queue, the charts, the results table,
 * IndexedDB and the export all share. A run is planned (queued), live, interrupted (the tab
 * closed; it resumes from its last epoch checkpoint) or ended with a RunResult; imported runs
 * come from another browser or the Node runner and are only compared, never re-run.
 */
import type { ExperimentConfig } from '../config';
import type { EpochMetrics, RunStatus } from '../events';
import type { RunResult, StepSample } from '../results';
import type { TeacherRecord } from './teacher';

export type LabRunStatus = 'queued' | 'running' | 'interrupted' | 'cancelled' | RunStatus;

export interface LabRun {
  /** Unique in the lab (and kept by export and import, so a re-import is recognised). */
  id: string;
  /** The config's label: 'baseline', '+ Mixup training'… */
  label: string;
  /** The planned run it came from (`g1-s2`), or null. */
  planKey: string | null;
  /** Δ in the results table is measured against the config of a reference run. */
  reference: boolean;
  config: ExperimentConfig;
  status: LabRunStatus;
  /** Why it ended early, or null. */
  message: string | null;
  /** Metrics so far (all of them once ended). */
  epochs: EpochMetrics[];
  /** Sampled per-step loss and LR so far. */
  steps: StepSample[];
  /** Set when the run ended (finished, stopped, diverged or failed). */
  result: RunResult | null;
  source: 'local' | 'imported';
  /** For imported runs, the file they came from. */
  origin: string | null;
  /** The finished run whose weights teach this one (distillation), or null. */
  teacherRunId: string | null;
  /** That teacher's record (run, config, accuracy); absent in runs stored before it was kept. */
  teacher?: TeacherRecord | null;
  /** The last epoch with a saved checkpoint (resume point), or null. */
  checkpointEpoch: number | null;
  /** Final weights are stored (teacher for distillation, inspection). */
  hasWeights: boolean;
  createdAt: string;
}

/** Statuses of a run that ended with a result. */
export const ENDED: readonly LabRunStatus[] = ['finished', 'stopped', 'diverged', 'failed'];

/** Whether a run ended with a result. */
export function hasEnded(run: LabRun): boolean {
  return ENDED.includes(run.status);
}
