/**
 * The lab's state and how a training-worker event changes it, as one pure function (no storage,
 * no worker, no timers), so that every transition of a run is unit-tested on its own. What the
 * controller must then do besides showing the new state is returned beside it: which runs to
 * write, and whether the active run stopped (so its checkpoint goes or stays and the next run
 * starts).
 */
import type { EpochEvent, StepEvent } from '../engine/events';
import { createPlan, type Plan } from '../engine/lab/plan';
import type { LabRun } from '../engine/lab/types';
import { MAX_STEP_SAMPLES, toStepSample } from '../engine/results';
import type { WorkerEvent } from '../worker/protocol';
import { DEFAULT_LAB_BASELINE } from './labDefaults';
import { HEALTHY, type StorageHealth } from './storageHealth';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface LabState {
  /** False until the runs were read from IndexedDB. */
  loaded: boolean;
  plan: Plan;
  /** The finished run whose weights teach distillation runs of the next plan queued. */
  teacherRunId: string | null;
  /** The results table's reference config (null: the plan's reference). */
  referenceKey: string | null;
  /** Every run, local and imported, in queue order. */
  runs: LabRun[];
  /**
   * Which tab owns the queue (runs runs in its worker): this one, another one, none (the owner's
   * tab closed or crashed: this one may take over), or not known yet.
   */
  queueOwner: 'here' | 'elsewhere' | 'gone' | 'pending';
  /** The run the queue's owner trains (this tab's worker when it owns the queue). */
  activeRunId: string | null;
  /** Whether queued runs start by themselves. */
  queueRunning: boolean;
  /** The active run's latest step (progress bar, ETA, LR marker). */
  lastStep: StepEvent | null;
  notices: Notice[];
  /** What is not in IndexedDB (the storage banner); HEALTHY while everything is saved. */
  storage: StorageHealth;
}

export const INITIAL_LAB_STATE: LabState = {
  loaded: false,
  plan: createPlan(DEFAULT_LAB_BASELINE, { tricks: [] }),
  teacherRunId: null,
  referenceKey: null,
  runs: [],
  queueOwner: 'pending',
  activeRunId: null,
  queueRunning: false,
  lastStep: null,
  notices: [],
  storage: HEALTHY,
};

/** The new state and what to do besides showing it. */
export interface LabFold {
  state: LabState;
  /** Runs whose new version is to be written to storage. */
  save: string[];
  /** The active run stopped: an interrupted one keeps its checkpoint to resume, an ended one drops it. */
  stopped: { runId: string; keepCheckpoint: boolean } | null;
  /** Only a progress tick changed: listeners may be told a little later. */
  throttled: boolean;
}

const epochMetrics = ({ kind: _k, totalEpochs: _t, ...m }: EpochEvent) => m;

/** Replaces the run with this id by a patched copy. */
export function patchRun(state: LabState, id: string, patch: Partial<LabRun>): LabState {
  return { ...state, runs: state.runs.map((r) => (r.id === id ? { ...r, ...patch } : r)) };
}

const unchanged = (state: LabState): LabFold => ({ state, save: [], stopped: null, throttled: false });
const changed = (state: LabState, id: string): LabFold => ({ state, save: [id], stopped: null, throttled: false });

/** The active run ends with this patch (its checkpoint is of no more use). */
function endActive(state: LabState, id: string, patch: Partial<LabRun>): LabFold {
  const next = patchRun(state, id, { ...patch, checkpointEpoch: null });
  return { state: { ...next, activeRunId: null, lastStep: null }, save: [id], stopped: { runId: id, keepCheckpoint: false }, throttled: false };
}

/** The active run stops without ending: it stays 'interrupted' with its checkpoint, to resume. */
function interruptActive(state: LabState, id: string, message: string): LabFold {
  const next = patchRun(state, id, { status: 'interrupted', message });
  return { state: { ...next, activeRunId: null, lastStep: null }, save: [id], stopped: { runId: id, keepCheckpoint: true }, throttled: false };
}

/** Folds one event of the training worker into the lab. Events of other runs change nothing. */
export function foldLabEvent(state: LabState, event: WorkerEvent): LabFold {
  const active = state.activeRunId === null || state.queueOwner !== 'here' ? undefined : state.runs.find((r) => r.id === state.activeRunId);
  if (!active) return unchanged(state);
  switch (event.type) {
    case 'progress': {
      if (event.runId !== active.id) return unchanged(state);
      const e = event.event;
      if (e.kind === 'epoch') return changed(patchRun(state, active.id, { epochs: [...active.epochs, epochMetrics(e)] }), active.id);
      // Steps are written with the next epoch: a tick is shown, not stored.
      const steps = active.steps.length < MAX_STEP_SAMPLES ? [...active.steps, toStepSample(e)] : active.steps;
      return { state: { ...patchRun(state, active.id, { steps }), lastStep: e }, save: [], stopped: null, throttled: true };
    }
    case 'done':
      if (event.runId !== active.id) return unchanged(state);
      return endActive(state, active.id, { status: event.result.status, message: event.result.message, result: event.result, epochs: event.result.epochs, steps: event.result.steps });
    case 'error':
      if (event.runId !== active.id) return unchanged(state);
      // A lost GPU that could not be brought back: the run keeps its checkpoint to resume later.
      if (active.status === 'interrupted') return interruptActive(state, active.id, event.message);
      return endActive(state, active.id, { status: 'failed', message: event.message });
    case 'interrupted':
      if (event.runId !== active.id) return unchanged(state);
      // The worker brings the GPU back and resumes the run itself; the checkpoint stays stored.
      if (event.resuming) return changed(patchRun(state, active.id, { status: 'interrupted', message: event.message }), active.id);
      return interruptActive(state, active.id, event.message);
    case 'resumed':
      if (event.runId !== active.id) return unchanged(state);
      return changed(patchRun(state, active.id, { status: 'running', message: `resumed after epoch ${event.fromEpoch} (the GPU was lost)`, epochs: event.epochs, steps: event.steps }), active.id);
    case 'workerRestarted': {
      // A stop the worker did not answer in time: the run ends stopped, as asked.
      if (event.stoppedRunId === active.id) return endActive(state, active.id, { status: 'stopped', message: `${event.message} The run was stopped.` });
      const from = active.checkpointEpoch ? `from its checkpoint after epoch ${active.checkpointEpoch}` : 'from the beginning';
      return interruptActive(state, active.id, `${event.message} The run was interrupted; Resume continues it ${from}.`);
    }
    default:
      return unchanged(state);
  }
}
