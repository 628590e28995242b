/**
 * Runs an ablation plan in Node, one run after another with the same engine as the browser,
 * and builds the same export the lab writes (exportFormat.ts), so plans split over machines
 * (`--shard k/n`) are imported together into one table. The export is handed over after every
 * run, so an interrupted plan keeps the runs it finished; given that export back (`previous`)
 * and a checkpoint store, a restarted process skips the runs that ended and continues the one
 * it was in from its last epoch checkpoint.
 */
import { canonicalJson } from '../engine/canonicalJson';
import type { Dataset } from '../engine/data/types';
import type { TrainEvent } from '../engine/events';
import { buildExport, type LabExport } from '../engine/lab/exportFormat';
import { expandPlan, shardRuns, type Plan, type PlannedRun } from '../engine/lab/plan';
import type { LabRun } from '../engine/lab/types';
import type { Environment, RunResult } from '../engine/results';
import type { Checkpoint } from '../engine/train/checkpoint';
import { startTraining } from '../engine/train/trainer';

/** Where each planned run's latest epoch checkpoint is kept between processes (checkpointFiles.ts on disk). */
export interface CheckpointStore {
  load(key: string): Promise<Checkpoint | null>;
  save(key: string, checkpoint: Checkpoint): Promise<void>;
  remove(key: string): Promise<void>;
}

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
  /**
   * The export an earlier process wrote for this plan: its runs that ended (all but 'stopped')
   * are kept and not run again. Refused when it holds another plan.
   */
  previous?: { plan: Plan | null; runs: readonly LabRun[] };
  /** Epoch checkpoints: saved after every epoch, resumed from when a run starts, removed when it ends. */
  checkpoints?: CheckpointStore;
  /** Told when a run continues from a checkpoint. */
  onResume?: (run: PlannedRun, epoch: number) => void;
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
  const done: LabRun[] = keptRuns(plan, todo, opts.previous);
  const exportNow = () => buildExport(plan, done, { backend: environment.backend, userAgent: environment.userAgent, runtime: 'node' }, new Date());
  const kept = new Set(done.map((r) => r.planKey));
  for (const [i, planned] of todo.entries()) {
    if (opts.signal?.aborted) break;
    if (kept.has(planned.key)) continue;
    opts.onRunStart?.(planned, i + 1, todo.length);
    const config = { ...planned.config, data: { ...planned.config.data, dataset: dataset.id } };
    const store = opts.checkpoints;
    const saved = await store?.load(planned.key);
    // A checkpoint of another config (the plan or the data changed) is not this run's: start afresh.
    const resumeFrom = saved && canonicalJson(saved.config) === canonicalJson(config) ? saved : undefined;
    if (resumeFrom) opts.onResume?.(planned, resumeFrom.epoch);
    const onCheckpoint = store ? (c: Checkpoint) => store.save(planned.key, c) : undefined;
    const result = await startTraining({ config, dataset, environment, signal: opts.signal, onEvent: opts.onEvent, resumeFrom, onCheckpoint }).result;
    // A stopped run keeps its checkpoint for the next process; any other end makes it useless.
    if (result.status !== 'stopped') await store?.remove(planned.key);
    done.push(toLabRun({ ...planned, config }, result, `${opts.idPrefix}-${planned.key}-${Date.parse(result.timings.startedAt).toString(36)}`, references.has(planned.group)));
    await opts.onProgress?.(exportNow());
  }
  return exportNow();
}

/** The previous export's ended runs among `todo` (a stopped run is run again, from its checkpoint). */
function keptRuns(plan: Plan, todo: readonly PlannedRun[], previous: AblationOptions['previous']): LabRun[] {
  if (!previous) return [];
  if (!previous.plan || canonicalJson(previous.plan) !== canonicalJson(plan)) {
    throw new Error('the existing results file holds another plan: give a new --out, or delete it to start this plan afresh');
  }
  const keys = new Set(todo.map((r) => r.key));
  return previous.runs.filter((r) => r.planKey !== null && keys.has(r.planKey) && r.result && r.status !== 'stopped');
}
