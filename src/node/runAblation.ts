/**
 * Runs an ablation plan in Node, one run after another with the same engine as the browser,
 * and builds the same export the lab writes (exportFormat.ts), so plans split over machines
 * (`--shard k/n`) are imported together into one table. The export is handed over after every
 * run, so an interrupted plan keeps the runs it finished.
 */
import type { Dataset } from '../engine/data/types';
import type { TrainEvent } from '../engine/events';
import { buildExport, type LabExport } from '../engine/lab/exportFormat';
import { expandPlan, shardRuns, type Plan, type PlannedRun } from '../engine/lab/plan';
import type { LabRun } from '../engine/lab/types';
import type { Environment, RunResult } from '../engine/results';
import { startTraining } from '../engine/train/trainer';

export interface AblationOptions {
  plan: Plan;
  dataset: Dataset;
  environment: Environment;
  /** Run only part `index` of `count` (1-based). */
  shard?: { index: number; count: number };
  /** Prefix of run ids (e.g. the host name), so runs from several machines stay distinct. */
  idPrefix: string;
  /** Stops the current run (it is kept, status 'stopped') and skips the rest. */
  signal?: AbortSignal;
  onRunStart?: (run: PlannedRun, position: number, total: number) => void;
  onEvent?: (event: TrainEvent) => void;
  /** After every run: the export so far (write it to disk). */
  onProgress?: (exported: LabExport) => void | Promise<void>;
}

/** The runs this machine will do. */
export function runsToDo(plan: Plan, shard?: { index: number; count: number }): PlannedRun[] {
  const { runs } = expandPlan(plan);
  return shard ? shardRuns(runs, shard.index, shard.count) : runs;
}

function toLabRun(planned: PlannedRun, result: RunResult, id: string, reference: boolean): LabRun {
  return {
    id,
    label: planned.label,
    planKey: planned.key,
    reference,
    config: planned.config,
    status: result.status,
    message: result.message,
    epochs: result.epochs,
    steps: result.steps,
    result,
    source: 'local',
    origin: null,
    teacherRunId: null,
    checkpointEpoch: null,
    hasWeights: false,
    createdAt: result.timings.startedAt,
  };
}

/** Runs the plan (or its shard) and returns the export of every run done. */
export async function runAblation(opts: AblationOptions): Promise<LabExport> {
  const { plan, dataset, environment } = opts;
  const todo = runsToDo(plan, opts.shard);
  const references = new Set(expandPlan(plan).groups.filter((g) => g.isReference).map((g) => g.index));
  const done: LabRun[] = [];
  const exportNow = () => buildExport(plan, done, { backend: environment.backend, userAgent: environment.userAgent, runtime: 'node' }, new Date());
  for (const [i, planned] of todo.entries()) {
    if (opts.signal?.aborted) break;
    opts.onRunStart?.(planned, i + 1, todo.length);
    const config = { ...planned.config, data: { ...planned.config.data, dataset: dataset.id } };
    const result = await startTraining({ config, dataset, environment, signal: opts.signal, onEvent: opts.onEvent }).result;
    done.push(toLabRun({ ...planned, config }, result, `${opts.idPrefix}-${planned.key}-${Date.parse(result.timings.startedAt).toString(36)}`, references.has(planned.group)));
    await opts.onProgress?.(exportNow());
  }
  return exportNow();
}
