/**
 * The ablation lab's state and run queue on the main thread: a subscribable store (read by
 * React through useSyncExternalStore, as trainingClient.ts) that turns a plan into queued
 * runs, starts them one after another in the shared training worker, folds the worker's
 * events into the runs, and keeps everything in IndexedDB (labStore.ts): metrics at every
 * epoch, a checkpoint at every epoch end, final weights and results when a run ends. After a
 * reload a run that was training shows as interrupted and resumes from its last checkpoint.
 * Writes go through guardedStore.ts: a failed save (full quota, no IndexedDB) never drops a
 * run; it is kept here, marked unsaved in `storage`, and written again when storage recovers.
 */
import type { BackendInfo, EpochEvent, StepEvent } from '../engine/events';
import { buildExport, type LabExport } from '../engine/lab/exportFormat';
import { ImportError, parseImport } from '../engine/lab/importLab';
import { createPlan, type Plan } from '../engine/lab/plan';
import type { Predictions } from '../engine/lab/predict';
import { hasEnded, type LabRun } from '../engine/lab/types';
import { toStepSample } from '../engine/results';
import type { DatasetInfo, WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createGuardedStore } from './guardedStore';
import type { LabStore } from './labStore';
import { queuedRuns, reviveRun, storedPlan } from './labRuns';
import { DEFAULT_LAB_BASELINE } from './labDefaults';
import { HEALTHY, type StorageHealth } from './storageHealth';

/** The trainer keeps at most this many step samples per run; the live copy does the same. */
const MAX_STEP_SAMPLES = 2000;

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
  activeRunId: string | null;
  /** Whether queued runs start by themselves. */
  queueRunning: boolean;
  /** The active run's latest step (progress bar, ETA, LR marker). */
  lastStep: StepEvent | null;
  notices: Notice[];
  /** What is not in IndexedDB (the storage banner); HEALTHY while everything is saved. */
  storage: StorageHealth;
}

/** What the lab needs to know about the shared worker's other user (the single-run page). */
export interface WorkerStatus {
  backend: BackendInfo | null;
  dataset: DatasetInfo | null;
  /** The worker is loading a dataset or running the single-run page's run. */
  busy: boolean;
}

export interface LabPort {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerEvent>) => void): void;
}

export interface LabController {
  subscribe(listener: () => void): () => void;
  getSnapshot(): LabState;
  setPlan(plan: Plan): void;
  setTeacher(runId: string | null): void;
  setReference(key: string | null): void;
  /** Queues every run of the current plan and starts the queue. */
  enqueuePlan(): void;
  startQueue(): void;
  pauseQueue(): void;
  /** Stops the active run (kept as 'stopped') or takes a queued one off the queue. */
  cancel(id: string): void;
  /** Moves a run up (-1) or down (+1) in the queue. */
  move(id: string, delta: -1 | 1): void;
  /** Runs an ended or cancelled run again from the start. */
  retry(id: string): void;
  /** Queues an interrupted run to continue from its last checkpoint. */
  resume(id: string): void;
  remove(id: string): void;
  clearAll(): Promise<void>;
  importFiles(files: readonly { name: string; text: string }[]): void;
  exportLab(): LabExport;
  predict(runId: string, sampleCount: number): Promise<Predictions>;
  /** Tells the controller the worker's status changed (dataset loaded, single run ended). */
  workerStatusChanged(): void;
  dismissNotice(id: number): void;
  notify(kind: Notice['kind'], text: string): void;
}

export interface LabControllerOptions {
  port: LabPort;
  store: LabStore;
  workerStatus: () => WorkerStatus;
  /** navigator.userAgent (for the export). */
  userAgent: string;
  /** A fresh unique id. */
  newId: () => string;
  /** A plan to start with instead of the stored one (from a shared link). */
  initialPlan?: Plan;
  notifyIntervalMs?: number;
}

const INITIAL: LabState = {
  loaded: false,
  plan: createPlan(DEFAULT_LAB_BASELINE, { tricks: [] }),
  teacherRunId: null,
  referenceKey: null,
  runs: [],
  activeRunId: null,
  queueRunning: false,
  lastStep: null,
  notices: [],
  storage: HEALTHY,
};

const epochMetrics = ({ kind: _k, totalEpochs: _t, ...m }: EpochEvent) => m;

/** Creates the controller and starts reading the lab from storage. */
export function createLabController(opts: LabControllerOptions): LabController {
  const { port, store } = opts;
  let state: LabState = opts.initialPlan ? { ...INITIAL, plan: opts.initialPlan } : INITIAL;
  let starting = false;
  let noticeId = 0;
  const listeners = new Set<() => void>();
  const predictions = new Map<string, { resolve: (p: Predictions) => void; reject: (e: Error) => void }>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const emit = () => {
    timer = null;
    for (const l of listeners) l();
  };
  /**
   * Progress ticks notify at most every notifyIntervalMs; everything else at once (a controlled
   * checkbox must see its new state in the same event, or React puts the old one back).
   */
  const set = (next: LabState, throttled = false) => {
    state = next;
    if (throttled) {
      if (timer === null) timer = setTimeout(emit, opts.notifyIntervalMs ?? 150);
      return;
    }
    if (timer !== null) clearTimeout(timer);
    emit();
  };
  const guard = createGuardedStore({
    store,
    runs: () => state.runs,
    order: (run) => state.runs.findIndex((r) => r.id === run.id),
    meta: () => ({ plan: state.plan, referenceKey: state.referenceKey, teacherRunId: state.teacherRunId }),
    onChange(storage) {
      const recovered = state.storage.problem !== null && storage.problem === null;
      set({ ...state, storage });
      if (recovered) notify('info', 'Browser storage works again: every run is saved.');
    },
    onError: (text) => notify('error', text),
  });
  const saveRuns = (runs: readonly LabRun[]) => guard.saveRuns(runs);
  const saveMeta = () => guard.saveMeta();
  const runById = (id: string) => state.runs.find((r) => r.id === id);
  /** Replaces a run (by id) and optionally saves it. */
  const update = (id: string, patch: Partial<LabRun>, save = true, throttled = false) => {
    const runs = state.runs.map((r) => (r.id === id ? { ...r, ...patch } : r));
    set({ ...state, runs }, throttled);
    const changed = runs.find((r) => r.id === id);
    if (save && changed) saveRuns([changed]);
  };

  function notify(kind: Notice['kind'], text: string) {
    noticeId += 1;
    set({ ...state, notices: [...state.notices.slice(-4), { id: noticeId, kind, text }] });
  }

  async function startNext(): Promise<void> {
    if (!state.loaded || !state.queueRunning || state.activeRunId || starting) return;
    const env = opts.workerStatus();
    if (!env.backend || !env.dataset || env.busy) return;
    const run = state.runs.find((r) => r.status === 'queued');
    if (!run) {
      set({ ...state, queueRunning: false });
      return;
    }
    starting = true;
    try {
      const teacher = run.teacherRunId ? await guard.loadWeights(run.teacherRunId) : undefined;
      if (run.teacherRunId && !teacher) {
        update(run.id, { status: 'failed', message: 'the teacher run\'s weights are no longer stored; choose another teacher and retry' });
      } else {
        const checkpoint = run.checkpointEpoch !== null ? await guard.loadCheckpoint(run.id) : undefined;
        // The metrics shown go back to the checkpoint's: the run continues from there.
        const progress = checkpoint ? { epochs: checkpoint.epochs, steps: checkpoint.steps, checkpointEpoch: checkpoint.epoch } : { epochs: [], steps: [], checkpointEpoch: null };
        set({ ...state, activeRunId: run.id, lastStep: null });
        update(run.id, { status: 'running', message: null, ...progress });
        port.postMessage({
          type: 'start',
          runId: run.id,
          config: run.config,
          lab: { checkpoints: true, weights: true, teacher: teacher ? { model: teacher.model, weights: teacher.weights } : undefined, resumeFrom: checkpoint },
        });
      }
    } finally {
      starting = false;
    }
    // Nothing started (the teacher was missing): try the next run.
    if (!state.activeRunId) void startNext();
  }

  function finishActive(patch: Partial<LabRun>) {
    const id = state.activeRunId;
    if (!id) return;
    update(id, { ...patch, checkpointEpoch: null });
    guard.deleteCheckpoint(id);
    set({ ...state, activeRunId: null, lastStep: null });
    void startNext();
  }

  /** The active run stops without ending: it stays 'interrupted' with its checkpoint, to resume. */
  function interruptActive(message: string) {
    const id = state.activeRunId;
    if (!id) return;
    update(id, { status: 'interrupted', message });
    set({ ...state, activeRunId: null, lastStep: null });
    void startNext();
  }

  function onEvent(event: WorkerEvent) {
    switch (event.type) {
      case 'progress': {
        const run = event.runId === state.activeRunId ? runById(event.runId) : undefined;
        if (!run) return;
        const e = event.event;
        if (e.kind === 'step') {
          const steps = run.steps.length < MAX_STEP_SAMPLES ? [...run.steps, toStepSample(e)] : run.steps;
          state = { ...state, lastStep: e };
          update(run.id, { steps }, false, true);
        } else {
          update(run.id, { epochs: [...run.epochs, epochMetrics(e)] });
        }
        return;
      }
      case 'checkpoint': {
        if (!runById(event.runId)) return;
        const id = event.runId;
        void guard.saveCheckpoint(id, event.checkpoint).then((saved) => {
          if (saved && runById(id)?.status === 'running') update(id, { checkpointEpoch: event.checkpoint.epoch });
        });
        return;
      }
      case 'weights': {
        const run = runById(event.runId);
        if (!run) return;
        // Held in memory when they can't be saved: hasWeights means usable in this tab.
        void guard.saveWeights({ runId: run.id, model: run.config.model, weights: event.weights }).then(() => runById(run.id) && update(run.id, { hasWeights: true }));
        return;
      }
      case 'done':
        if (event.runId !== state.activeRunId) return;
        finishActive({ status: event.result.status, message: event.result.message, result: event.result, epochs: event.result.epochs, steps: event.result.steps });
        return;
      case 'error':
        if (event.runId === null || event.runId !== state.activeRunId) return;
        // A lost GPU that could not be brought back: the run keeps its checkpoint to resume later.
        if (runById(event.runId)?.status === 'interrupted') interruptActive(event.message);
        else finishActive({ status: 'failed', message: event.message });
        return;
      case 'interrupted':
        if (event.runId !== state.activeRunId) return;
        // The worker brings the GPU back and resumes the run itself; the checkpoint stays stored.
        if (event.resuming) update(event.runId, { status: 'interrupted', message: event.message });
        else interruptActive(event.message);
        return;
      case 'resumed':
        if (event.runId !== state.activeRunId) return;
        update(event.runId, { status: 'running', message: `resumed after epoch ${event.fromEpoch} (the GPU was lost)`, epochs: event.epochs, steps: event.steps });
        return;
      case 'workerRestarted': {
        for (const [id, pending] of predictions) {
          pending.reject(new Error(event.message));
          predictions.delete(id);
        }
        const run = state.activeRunId ? runById(state.activeRunId) : undefined;
        if (!run) return;
        const from = run.checkpointEpoch ? `from its checkpoint after epoch ${run.checkpointEpoch}` : 'from the beginning';
        interruptActive(`${event.message} The run was interrupted; Resume continues it ${from}.`);
        return;
      }
      case 'predictions':
      case 'predictError': {
        const pending = predictions.get(event.requestId);
        if (!pending) return;
        predictions.delete(event.requestId);
        if (event.type === 'predictions') pending.resolve(event.predictions);
        else pending.reject(new Error(event.message));
        return;
      }
      default:
        return;
    }
  }
  port.addEventListener('message', (e) => onEvent(e.data));

  // Read the lab back from storage.
  void guard
    .load()
    .then(({ runs, meta }) => {
      const revived = runs.map(reviveRun);
      const plan = opts.initialPlan ?? storedPlan(meta) ?? state.plan;
      set({ ...state, ...meta, loaded: true, plan, runs: [...revived, ...state.runs.filter((r) => !revived.some((x) => x.id === r.id))] });
      const interrupted = revived.filter((r, i) => r !== runs[i]);
      if (interrupted.length > 0) saveRuns(interrupted);
    })
    .catch((err: unknown) => {
      set({ ...state, loaded: true });
      // Storage that can't be opened is the banner's to say; any other failure, a notice.
      if (!state.storage.inMemory) notify('error', `Could not read the saved lab (${err instanceof Error ? err.message : String(err)}); runs saved before are not shown.`);
    });

  const controller: LabController = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => state,
    setPlan(plan) {
      set({ ...state, plan });
      saveMeta();
    },
    setTeacher(runId) {
      set({ ...state, teacherRunId: runId });
      saveMeta();
    },
    setReference(key) {
      set({ ...state, referenceKey: key });
      saveMeta();
    },
    enqueuePlan() {
      const queued = queuedRuns(state.plan, { datasetId: opts.workerStatus().dataset?.id ?? null, teacherRunId: state.teacherRunId, newId: opts.newId, createdAt: new Date() });
      set({ ...state, runs: [...state.runs, ...queued], queueRunning: true, referenceKey: null });
      saveRuns(queued);
      saveMeta();
      void startNext();
    },
    startQueue() {
      set({ ...state, queueRunning: true });
      void startNext();
    },
    pauseQueue() {
      set({ ...state, queueRunning: false });
    },
    cancel(id) {
      const run = runById(id);
      if (!run) return;
      if (id === state.activeRunId) port.postMessage({ type: 'stop', runId: id });
      else if (run.status === 'queued' || run.status === 'interrupted') update(id, { status: 'cancelled' });
    },
    move(id, delta) {
      const i = state.runs.findIndex((r) => r.id === id);
      const j = i + delta;
      if (i < 0 || j < 0 || j >= state.runs.length) return;
      const runs = [...state.runs];
      [runs[i], runs[j]] = [runs[j], runs[i]];
      set({ ...state, runs });
      saveRuns([runs[i], runs[j]]);
    },
    retry(id) {
      const run = runById(id);
      if (!run || run.source !== 'local' || id === state.activeRunId || !(hasEnded(run) || run.status === 'cancelled' || run.status === 'interrupted')) return;
      update(id, { status: 'queued', message: null, epochs: [], steps: [], result: null, checkpointEpoch: null, hasWeights: false });
      guard.restart(id);
      controller.startQueue();
    },
    resume(id) {
      const run = runById(id);
      if (!run || (run.status !== 'interrupted' && run.status !== 'cancelled')) return;
      update(id, { status: 'queued', message: run.checkpointEpoch ? `resumes after epoch ${run.checkpointEpoch}` : null });
      controller.startQueue();
    },
    remove(id) {
      if (id === state.activeRunId) return;
      set({ ...state, runs: state.runs.filter((r) => r.id !== id) });
      guard.deleteRun(id);
    },
    async clearAll() {
      if (state.activeRunId) port.postMessage({ type: 'stop', runId: state.activeRunId });
      const ids = state.runs.map((r) => r.id);
      set({ ...state, runs: [], activeRunId: null, queueRunning: false, lastStep: null, referenceKey: null, teacherRunId: null });
      await guard.clear(ids);
      saveMeta();
    },
    importFiles(files) {
      for (const file of files) {
        try {
          const imported = parseImport(file.text, file.name);
          const fresh = imported.runs.filter((r) => !runById(r.id));
          set({ ...state, runs: [...state.runs, ...fresh] });
          saveRuns(fresh);
          const skipped = imported.runs.length - fresh.length;
          notify('info', `${file.name}: ${fresh.length} run${fresh.length === 1 ? '' : 's'} imported${skipped ? ` (${skipped} already here)` : ''}.`);
        } catch (err) {
          notify('error', err instanceof ImportError ? err.message : `${file.name} was not imported: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
    exportLab() {
      const env = opts.workerStatus();
      return buildExport(state.plan, state.runs, { backend: env.backend, userAgent: opts.userAgent, runtime: 'browser' }, new Date());
    },
    async predict(runId, sampleCount) {
      const run = runById(runId);
      const stored = await guard.loadWeights(runId);
      if (!run || !stored) throw new Error('This run has no saved weights.');
      const requestId = opts.newId();
      return new Promise<Predictions>((resolve, reject) => {
        predictions.set(requestId, { resolve, reject });
        port.postMessage({ type: 'predict', requestId, config: run.config, weights: stored.weights, sampleCount });
      });
    },
    workerStatusChanged() {
      void startNext();
    },
    dismissNotice(id) {
      set({ ...state, notices: state.notices.filter((n) => n.id !== id) });
    },
    notify,
  };
  return controller;
}
