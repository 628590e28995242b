/**
 * The ablation lab on the main thread: a store that React reads through useSyncExternalStore
 * (createStore.ts, as the training client), the user's actions on the plan and the queue, and
 * the wiring of three parts: worker events folded into the runs (foldLabEvent.ts, pure), the
 * queue runner that starts runs in the shared worker (queueRunner.ts), and storage in IndexedDB
 * (labStore.ts behind guardedStore.ts: metrics at every epoch, a checkpoint at every epoch end,
 * final weights and results when a run ends). After a reload a run that was training shows as
 * interrupted and resumes from its last checkpoint. A failed save never drops a run: it is kept
 * here, marked unsaved in `storage`, and written again when storage recovers.
 */
import { createStore } from '../client/createStore';
import { buildExport, type LabExport } from '../engine/lab/exportFormat';
import { ImportError, parseImport } from '../engine/lab/importLab';
import { importNotice, sortImported } from '../engine/lab/importMerge';
import type { Plan } from '../engine/lab/plan';
import type { Predictions } from '../engine/lab/predict';
import { hasEnded, type LabRun } from '../engine/lab/types';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { foldLabEvent, INITIAL_LAB_STATE, patchRun, type LabState, type Notice } from './foldLabEvent';
import { createGuardedStore } from './guardedStore';
import { queuedRuns, reviveRun, storedPlan } from './labRuns';
import type { LabStore } from './labStore';
import { createQueueRunner, type WorkerStatus } from './queueRunner';

export type { LabState, Notice } from './foldLabEvent';
export type { WorkerStatus } from './queueRunner';

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

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Creates the controller and starts reading the lab from storage. */
export function createLabController(opts: LabControllerOptions): LabController {
  const { port } = opts;
  const store = createStore<LabState>(opts.initialPlan ? { ...INITIAL_LAB_STATE, plan: opts.initialPlan } : INITIAL_LAB_STATE, opts.notifyIntervalMs ?? 150);
  const state = store.get;
  const set = store.set;
  let noticeId = 0;
  const predictions = new Map<string, { resolve: (p: Predictions) => void; reject: (e: Error) => void }>();

  const guard = createGuardedStore({
    store: opts.store,
    runs: () => state().runs,
    order: (run) => state().runs.findIndex((r) => r.id === run.id),
    meta: () => ({ plan: state().plan, referenceKey: state().referenceKey, teacherRunId: state().teacherRunId }),
    onChange(storage) {
      const recovered = state().storage.problem !== null && storage.problem === null;
      set({ ...state(), storage });
      if (recovered) notify('info', 'Browser storage works again: every run is saved.');
    },
    onError: (text) => notify('error', text),
  });
  const runById = (id: string) => state().runs.find((r) => r.id === id);
  /** Shows `next` and writes the runs with these ids. */
  const commit = (next: LabState, save: readonly string[], throttled = false) => {
    set(next, throttled);
    const runs = next.runs.filter((r) => save.includes(r.id));
    guard.saveRuns(runs);
  };
  const update = (id: string, patch: Partial<LabRun>) => commit(patchRun(state(), id, patch), [id]);
  const runner = createQueueRunner({
    get: state,
    commit,
    workerStatus: opts.workerStatus,
    loadWeights: guard.loadWeights,
    loadCheckpoint: guard.loadCheckpoint,
    send: (request) => port.postMessage(request),
  });
  const startNext = () => void runner.next();

  function notify(kind: Notice['kind'], text: string) {
    noticeId += 1;
    set({ ...state(), notices: [...state().notices.slice(-4), { id: noticeId, kind, text }] });
  }

  function onEvent(event: WorkerEvent) {
    const folded = foldLabEvent(state(), event);
    commit(folded.state, folded.save, folded.throttled);
    if (folded.stopped) {
      if (!folded.stopped.keepCheckpoint) guard.deleteCheckpoint(folded.stopped.runId);
      startNext();
    }
    switch (event.type) {
      case 'checkpoint': {
        const id = event.runId;
        if (!runById(id)) return;
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
      case 'workerRestarted':
        for (const [id, pending] of predictions) {
          pending.reject(new Error(event.message));
          predictions.delete(id);
        }
        return;
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
      const plan = opts.initialPlan ?? storedPlan(meta) ?? state().plan;
      const local = state().runs.filter((r) => !revived.some((x) => x.id === r.id));
      set({ ...state(), ...meta, loaded: true, plan, runs: [...revived, ...local] });
      const interrupted = revived.filter((r, i) => r !== runs[i]);
      if (interrupted.length > 0) guard.saveRuns(interrupted);
    })
    .catch((err: unknown) => {
      set({ ...state(), loaded: true });
      // Storage that can't be opened is the banner's to say; any other failure, a notice.
      if (!state().storage.inMemory) notify('error', `Could not read the saved lab (${errorText(err)}); runs saved before are not shown.`);
    });

  const setMeta = (patch: Partial<Pick<LabState, 'plan' | 'teacherRunId' | 'referenceKey'>>) => {
    set({ ...state(), ...patch });
    guard.saveMeta();
  };

  const controller: LabController = {
    subscribe: store.subscribe,
    getSnapshot: state,
    setPlan: (plan) => setMeta({ plan }),
    setTeacher: (teacherRunId) => setMeta({ teacherRunId }),
    setReference: (referenceKey) => setMeta({ referenceKey }),
    enqueuePlan() {
      const s = state();
      const queued = queuedRuns(s.plan, { datasetId: opts.workerStatus().dataset?.id ?? null, teacherRunId: s.teacherRunId, newId: opts.newId, createdAt: new Date() });
      commit({ ...s, runs: [...s.runs, ...queued], queueRunning: true, referenceKey: null }, queued.map((r) => r.id));
      guard.saveMeta();
      startNext();
    },
    startQueue() {
      set({ ...state(), queueRunning: true });
      startNext();
    },
    pauseQueue() {
      set({ ...state(), queueRunning: false });
    },
    cancel(id) {
      const run = runById(id);
      if (!run) return;
      if (id === state().activeRunId) port.postMessage({ type: 'stop', runId: id });
      else if (run.status === 'queued' || run.status === 'interrupted') update(id, { status: 'cancelled' });
    },
    move(id, delta) {
      const runs = [...state().runs];
      const i = runs.findIndex((r) => r.id === id);
      const j = i + delta;
      if (i < 0 || j < 0 || j >= runs.length) return;
      [runs[i], runs[j]] = [runs[j], runs[i]];
      commit({ ...state(), runs }, [runs[i].id, runs[j].id]);
    },
    retry(id) {
      const run = runById(id);
      if (!run || run.source !== 'local' || id === state().activeRunId || !(hasEnded(run) || run.status === 'cancelled' || run.status === 'interrupted')) return;
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
      if (id === state().activeRunId) return;
      set({ ...state(), runs: state().runs.filter((r) => r.id !== id) });
      guard.deleteRun(id);
    },
    async clearAll() {
      const s = state();
      if (s.activeRunId) port.postMessage({ type: 'stop', runId: s.activeRunId });
      set({ ...s, runs: [], activeRunId: null, queueRunning: false, lastStep: null, referenceKey: null, teacherRunId: null });
      await guard.clear(s.runs.map((r) => r.id));
      guard.saveMeta();
    },
    importFiles(files) {
      for (const file of files) {
        try {
          const imported = parseImport(file.text, file.name);
          const sorting = sortImported(imported.runs, runById);
          commit({ ...state(), runs: [...state().runs, ...sorting.fresh] }, sorting.fresh.map((r) => r.id));
          const notice = importNotice(file.name, sorting);
          notify(notice.kind, notice.text);
        } catch (err) {
          notify('error', err instanceof ImportError ? err.message : `${file.name} was not imported: ${errorText(err)}`);
        }
      }
    },
    exportLab() {
      const env = opts.workerStatus();
      return buildExport(state().plan, state().runs, { backend: env.backend, userAgent: opts.userAgent, runtime: 'browser' }, new Date());
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
    workerStatusChanged: startNext,
    dismissNotice(id) {
      set({ ...state(), notices: state().notices.filter((n) => n.id !== id) });
    },
    notify,
  };
  return controller;
}
