/**
 * Runs an ablation plan in Node, one run after another with the same engine as the browser,
 * and builds the same export the lab writes (exportFormat.ts), so plans split over machines
 * (`--shard k/n`) are imported together into one table. The export is handed over after every
 * run, so an interrupted plan keeps the runs it finished; given that export back (`previous`)
 * and a checkpoint store, a restarted process skips the runs that ended and continues the one
 * it was in from its last epoch checkpoint. A plan's teacher (plan.teacher) is trained before its
 * seed's configs and its final weights teach that seed's distillation runs; a part whose
 * students need a teacher that another part owns, or one an earlier process finished (its
 * weights are not kept), trains it again without writing it twice.
 */
import { canonicalJson } from '../engine/canonicalJson';
import type { Dataset } from '../engine/data/types';
import type { TrainEvent } from '../engine/events';
import { buildExport, type LabExport } from '../engine/lab/exportFormat';
import { expandPlan, shardRuns, type Plan, type PlannedRun } from '../engine/lab/plan';
import { teacherMismatch, teacherRecord } from '../engine/lab/teacher';
import type { LabRun } from '../engine/lab/types';
import type { TeacherSpec } from '../engine/model/teacher';
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

/** A run to do here; `exported: false` for a teacher another part owns, trained here for its students. */
export interface RunToDo extends PlannedRun {
  exported: boolean;
}

/** The runs this machine will do, in order: the teachers it needs from other parts first, then its part. */
export function runsToDo(plan: Plan, shard?: { index: number; count: number }): RunToDo[] {
  const { runs } = expandPlan(plan);
  const mine = shard ? shardRuns(runs, shard.index, shard.count) : runs;
  const keys = new Set(mine.map((r) => r.key));
  const needed = new Set(mine.flatMap((r) => (r.teacherKey && !keys.has(r.teacherKey) ? [r.teacherKey] : [])));
  const borrowed = runs.filter((r) => needed.has(r.key)).map((r) => ({ ...r, exported: false }));
  return [...borrowed, ...mine.map((r) => ({ ...r, exported: true }))];
}

/** A trained teacher of this process: its run and, when it finished, its final weights. */
interface TrainedTeacher {
  run: LabRun;
  weights: Float32Array[] | null;
}

/** Why `student` cannot distil from `teacher`, or null when it can. */
function teacherProblem(key: string, teacher: TrainedTeacher | undefined, student: PlannedRun, dataset: Dataset): string | null {
  if (!teacher) return `its teacher (${key}) was not trained`;
  if (teacher.run.status !== 'finished' || !teacher.weights) return `its teacher (${key}) ended ${teacher.run.status}${teacher.run.message ? `: ${teacher.run.message}` : ''}; nothing to distil from`;
  return teacherMismatch(
    { config: teacher.run.config, numClasses: teacher.run.result?.dataset.numClasses ?? null },
    { config: student.config, numClasses: dataset.classNames.length, heldOut: !dataset.test },
  );
}

function toLabRun(planned: PlannedRun, result: RunResult, id: string, reference: boolean, teacher: LabRun | null): LabRun {
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
    teacherRunId: teacher?.id ?? null,
    teacher: teacher ? teacherRecord(teacher) : null,
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
  const teachers = new Map<string, TrainedTeacher>();
  for (const [i, planned] of todo.entries()) {
    if (opts.signal?.aborted) break;
    const isTeacher = todo.some((r) => r.teacherKey === planned.key);
    // A teacher an earlier process finished is trained again (not written twice) while a student still needs its weights.
    const again = kept.has(planned.key) && isTeacher && todo.some((r) => r.teacherKey === planned.key && !kept.has(r.key));
    if (kept.has(planned.key) && !again) continue;
    opts.onRunStart?.(planned, i + 1, todo.length);
    const config = { ...planned.config, data: { ...planned.config.data, dataset: dataset.id } };
    const here = { ...planned, config };
    const store = opts.checkpoints;
    const saved = await store?.load(planned.key);
    // A checkpoint of another config (the plan or the data changed) is not this run's: start afresh.
    const resumeFrom = saved && canonicalJson(saved.config) === canonicalJson(config) ? saved : undefined;
    if (resumeFrom) opts.onResume?.(planned, resumeFrom.epoch);
    const onCheckpoint = store ? (c: Checkpoint) => store.save(planned.key, c) : undefined;
    const taught = planned.teacherKey ? teachers.get(planned.teacherKey) : undefined;
    const problem = planned.teacherKey ? teacherProblem(planned.teacherKey, taught, here, dataset) : null;
    const teacher: TeacherSpec | undefined = taught?.weights && !problem ? { model: taught.run.config.model, weights: taught.weights } : undefined;
    let weights: Float32Array[] | null = null;
    const onWeights = isTeacher ? (w: Float32Array[]) => (weights = w) : undefined;
    const run = startTraining({ config, dataset, environment, signal: opts.signal, onEvent: opts.onEvent, resumeFrom, onCheckpoint, teacher, onWeights });
    // Without its teacher a distillation run fails at once (no teacher given); the message says why.
    const result = problem ? { ...(await run.result), message: `Distillation needs its teacher: ${problem}` } : await run.result;
    // A stopped run keeps its checkpoint for the next process; any other end makes it useless.
    if (result.status !== 'stopped') await store?.remove(planned.key);
    const labRun = toLabRun(here, result, `${opts.idPrefix}-${planned.key}-${Date.parse(result.timings.startedAt).toString(36)}`, references.has(planned.group), taught?.run ?? null);
    if (isTeacher) teachers.set(planned.key, { run: labRun, weights });
    if (planned.exported && !again) {
      done.push(labRun);
      await opts.onProgress?.(exportNow());
    }
  }
  return exportNow();
}

/** The previous export's ended runs among `todo` (a stopped run is run again, from its checkpoint). */
function keptRuns(plan: Plan, todo: readonly RunToDo[], previous: AblationOptions['previous']): LabRun[] {
  if (!previous) return [];
  if (!previous.plan || canonicalJson(previous.plan) !== canonicalJson(plan)) {
    throw new Error('the existing results file holds another plan: give a new --out, or delete it to start this plan afresh');
  }
  const keys = new Set(todo.filter((r) => r.exported).map((r) => r.key));
  return previous.runs.filter((r) => r.planKey !== null && keys.has(r.planKey) && r.result && r.status !== 'stopped');
}
