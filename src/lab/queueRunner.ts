/**
 * Starts the lab's queued runs one after another in this tab's training worker: the first queued
 * run, when this tab owns the queue, the queue runs, nothing is active and the worker has a
 * backend and a dataset and is not busy with the single-run page. The run is claimed in storage
 * first (still queued there: no other tab started or cancelled it). A distillation run waits for
 * its teacher to finish (labRuns.nextRunnable), records it, and gets its stored weights (or
 * fails when they are gone or learnt from other data); a resumed run gets its stored
 * checkpoint, and the metrics shown go back to the checkpoint's, since the run continues from
 * there; a resumed run whose checkpoint is gone says that it restarted from the beginning.
 */
import type { BackendInfo } from '../engine/events';
import type { Checkpoint } from '../engine/train/checkpoint';
import type { DatasetInfo, WorkerRequest } from '../worker/protocol';
import type { TeacherRecord } from '../engine/lab/teacher';
import type { LabRun } from '../engine/lab/types';
import { patchRun, type LabState } from './foldLabEvent';
import { nextRunnable } from './labRuns';
import type { StoredWeights } from './labStore';
import type { RuleResult } from './runRules';

/** What the lab needs to know about the shared worker's other user (the single-run page). */
export interface WorkerStatus {
  backend: BackendInfo | null;
  dataset: DatasetInfo | null;
  /** The worker is loading a dataset or running the single-run page's run. */
  busy: boolean;
}

export interface QueueRunnerOptions {
  get(): LabState;
  /** Shows `next` and writes the runs listed in `save`. */
  commit(next: LabState, save: readonly string[]): void;
  workerStatus(): WorkerStatus;
  /** Marks the run running in storage if it is still queued there. */
  claim(run: LabRun): Promise<RuleResult>;
  loadWeights(runId: string): Promise<StoredWeights | undefined>;
  loadCheckpoint(runId: string): Promise<Checkpoint | undefined>;
  send(request: Extract<WorkerRequest, { type: 'start' }>): void;
}

export interface QueueRunner {
  /** Starts the next queued run when the lab and the worker are ready for it. */
  next(): Promise<void>;
}

export function createQueueRunner(opts: QueueRunnerOptions): QueueRunner {
  /** A start is being prepared (reading a teacher or a checkpoint): no second one meanwhile. */
  let starting = false;

  async function startRun(id: string, teacherNow: TeacherRecord | null, problem: string | null): Promise<void> {
    const queued = opts.get().runs.find((r) => r.id === id);
    if (!queued) return;
    if (problem) {
      opts.commit(patchRun(opts.get(), id, { status: 'failed', message: `Distillation needs its teacher: ${problem}`, teacher: teacherNow ?? queued.teacher }), [id]);
      return;
    }
    const claimed = await opts.claim(queued);
    if ('refused' in claimed) {
      // Another tab got there first: show the run as it is stored.
      opts.commit(patchRun(opts.get(), id, claimed.stored), []);
      return;
    }
    // The teacher's record as it stands now (its final top-1), kept with the run.
    const run = teacherNow ? { ...claimed.run, teacher: teacherNow } : claimed.run;
    const teacher = run.teacherRunId ? await opts.loadWeights(run.teacherRunId) : undefined;
    if (run.teacherRunId && !teacher) {
      opts.commit(patchRun(opts.get(), id, { status: 'failed', message: "the teacher run's weights are no longer stored; choose another teacher and retry" }), [id]);
      return;
    }
    const checkpoint = run.checkpointEpoch !== null ? await opts.loadCheckpoint(id) : undefined;
    const lost = run.checkpointEpoch !== null && !checkpoint ? `its checkpoint after epoch ${run.checkpointEpoch} is gone: restarted from the beginning` : null;
    const progress = checkpoint ? { epochs: checkpoint.epochs, steps: checkpoint.steps, checkpointEpoch: checkpoint.epoch } : { epochs: [], steps: [], checkpointEpoch: null };
    opts.commit({ ...patchRun(opts.get(), id, { ...run, message: lost, ...progress }), activeRunId: id, lastStep: null }, [id]);
    opts.send({
      type: 'start',
      runId: id,
      config: run.config,
      lab: { checkpoints: true, weights: true, teacher: teacher ? { model: teacher.model, weights: teacher.weights } : undefined, resumeFrom: checkpoint },
    });
  }

  async function next(): Promise<void> {
    const state = opts.get();
    if (!state.loaded || state.queueOwner !== 'here' || !state.queueRunning || state.activeRunId || starting) return;
    const env = opts.workerStatus();
    if (!env.backend || !env.dataset || env.busy) return;
    const found = nextRunnable(state.runs, env.dataset);
    if (!found) {
      opts.commit({ ...state, queueRunning: false }, []);
      return;
    }
    starting = true;
    try {
      await startRun(found.run.id, found.teacher, found.problem);
    } finally {
      starting = false;
    }
    // Nothing started (the teacher was missing): try the next run.
    if (!opts.get().activeRunId) await next();
  }

  return { next };
}
