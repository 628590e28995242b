/**
 * The ablation lab on the main thread: a store that React reads through useSyncExternalStore
 * (createStore.ts, as the training client), the user's actions on the plan and the queue, and
 * the wiring of three parts: worker events folded into the runs (foldLabEvent.ts, pure), the
 * queue runner that starts runs in the shared worker (queueRunner.ts), and storage in IndexedDB
 * (labStore.ts behind guardedStore.ts: metrics at every epoch, a checkpoint at every epoch end,
 * final weights and results when a run ends). Several tabs share the lab (labTabs.ts): one owns
 * the queue, the others show its runs live and edit them through storage, where every edit is
 * judged against the stored run (runRules.ts), so a stale tab cannot move a run backwards. After
 * a reload a run that was training shows as interrupted and resumes from its last checkpoint. A
 * failed save never drops a run: it is kept here, marked unsaved in `storage`, and written again
 * when storage recovers.
 */
import { createStore } from '../client/createStore';
import { buildExport, type LabExport } from '../engine/lab/exportFormat';
import { ImportError, parseImport, type ImportedFile } from '../engine/lab/importLab';
import { importNotice, sortImported } from '../engine/lab/importMerge';
import type { Plan } from '../engine/lab/plan';
import type { Predictions } from '../engine/lab/predict';
import type { LabRun } from '../engine/lab/types';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { foldLabEvent, INITIAL_LAB_STATE, patchRun, type LabState, type Notice } from './foldLabEvent';
import { createGuardedStore } from './guardedStore';
import { createPredictRequests } from './predictRequests';
import { queueProblem, queuedRuns, storedPlan } from './labRuns';
import type { LabStore } from './labStore';
import { announcingStore, createLabTabs } from './labTabs';
import { createQueueRunner, type WorkerStatus } from './queueRunner';
import { createRunEdits } from './runEdits';
import { claimRule, orphanRule } from './runRules';
import { SOLO_LOCK, type QueueLock, type TabChannel } from './tabSync';
import { errorMessage } from '../engine/errorMessage';

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
  cancel(id: string): Promise<void>;
  /** Moves a queued run up (-1) or down (+1) in the queue. */
  move(id: string, delta: -1 | 1): Promise<void>;
  /** Runs an ended or cancelled run again from the start. */
  retry(id: string): Promise<void>;
  /** Queues an interrupted run to continue from its last checkpoint. */
  resume(id: string): Promise<void>;
  /** Takes the queue when the tab that owned it is gone. */
  takeOver(): Promise<void>;
  remove(id: string): void;
  clearAll(): Promise<void>;
  importFiles(files: readonly { name: string; text: string }[]): void;
  /** Adds a file's runs parsed elsewhere (off the main thread: see client/parseImportOffThread.ts). */
  addImported(fileName: string, imported: ImportedFile): void;
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
  /** Who owns the queue among the lab's tabs (default: this tab alone). */
  lock?: QueueLock;
  /** How the lab's tabs hear each other (default: they do not). */
  channel?: TabChannel;
}

const SILENT: TabChannel = { post: () => undefined, listen: () => undefined };

/** Creates the controller and starts reading the lab from storage. */
export function createLabController(opts: LabControllerOptions): LabController {
  const { port } = opts;
  const store = createStore<LabState>(opts.initialPlan ? { ...INITIAL_LAB_STATE, plan: opts.initialPlan } : INITIAL_LAB_STATE, opts.notifyIntervalMs ?? 150);
  const state = store.get;
  const set = store.set;
  let noticeId = 0;
  const predictions = createPredictRequests((request) => port.postMessage(request), opts.newId);

  const channel = opts.channel ?? SILENT;
  /** A run's place in the list, from an index rebuilt when the list changes. */
  let positions: { runs: readonly LabRun[]; index: Map<string, number> } | null = null;
  const positionOf = (id: string): number => {
    const runs = state().runs;
    if (positions?.runs !== runs) positions = { runs, index: new Map(runs.map((r, i) => [r.id, i])) };
    return positions.index.get(id) ?? -1;
  };
  const guard = createGuardedStore({
    store: announcingStore(opts.store, channel.post),
    runs: () => state().runs,
    order: (run) => positionOf(run.id),
    meta: () => ({ plan: state().plan, referenceKey: state().referenceKey, teacherRunId: state().teacherRunId }),
    onChange(storage) {
      const recovered = state().storage.problem !== null && storage.problem === null;
      set({ ...state(), storage });
      if (recovered) notify('info', 'Browser storage works again: every run is saved.');
    },
    onError: (text) => notify('error', text),
    onRefused(refused) {
      // Another tab ended these runs: show them as stored, and say why this copy was dropped.
      set({ ...state(), runs: state().runs.map((r) => refused.find((x) => x.stored.id === r.id)?.stored ?? r) });
      for (const { reason } of refused) notify('error', reason);
    },
  });
  const runById = (id: string): LabRun | undefined => state().runs[positionOf(id)];
  /** Shows `next` and writes the runs with these ids. */
  const commit = (next: LabState, save: readonly string[], throttled = false): Promise<boolean> => {
    set(next, throttled);
    const ids = new Set(save);
    return guard.saveRuns(next.runs.filter((r) => ids.has(r.id)));
  };
  const update = (id: string, patch: Partial<LabRun>) => commit(patchRun(state(), id, patch), [id]);
  const runner = createQueueRunner({
    get: state,
    commit,
    workerStatus: opts.workerStatus,
    loadWeights: guard.loadWeights,
    loadCheckpoint: guard.loadCheckpoint,
    claim: (run) => guard.updateRun(run, claimRule),
    send: (request) => port.postMessage(request),
  });
  const startNext = () => void runner.next();

  const setQueueRunning = (queueRunning: boolean) => {
    if (state().queueOwner === 'here') {
      set({ ...state(), queueRunning });
      startNext();
    } else tabs.post({ kind: 'queue', running: queueRunning });
  };
  const tabs = createLabTabs(
    {
      get: state,
      set,
      subscribe: store.subscribe,
      store: opts.store,
      interruptOrphan: async (run) => void (await edits.apply(run, guard.updateRun(run, orphanRule), true)),
      stopRun: (runId) => port.postMessage({ type: 'stop', runId }),
      setQueueRunning,
      next: startNext,
      notify,
    },
    opts.lock ?? SOLO_LOCK,
    channel,
  );
  const edits = createRunEdits({
    get: state,
    set,
    guard,
    notify,
    stopActive: (runId) => (state().queueOwner === 'here' ? port.postMessage({ type: 'stop', runId }) : tabs.post({ kind: 'stop', runId })),
    startQueue: () => setQueueRunning(true),
  });

  function notify(kind: Notice['kind'], text: string) {
    noticeId += 1;
    set({ ...state(), notices: [...state().notices.slice(-4), { id: noticeId, kind, text }] });
  }

  function onEvent(event: WorkerEvent) {
    predictions.receive(event);
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
      default:
        return;
    }
  }
  port.addEventListener('message', (e) => onEvent(e.data));

  // Read the lab back from storage.
  void guard
    .load()
    .then(({ runs, meta }) => {
      const plan = opts.initialPlan ?? storedPlan(meta) ?? state().plan;
      const local = state().runs.filter((r) => !runs.some((x) => x.id === r.id));
      set({ ...state(), ...meta, loaded: true, plan, runs: [...runs, ...local] });
    })
    .catch((err: unknown) => {
      set({ ...state(), loaded: true });
      // Storage that can't be opened is the banner's to say; any other failure, a notice.
      if (!state().storage.inMemory) notify('error', `Could not read the saved lab (${errorMessage(err)}); runs saved before are not shown.`);
    })
    // Runs left running are interrupted only by the tab that takes the queue, not by every tab.
    .finally(() => tabs.start());

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
      const dataset = opts.workerStatus().dataset;
      const teacher = (s.teacherRunId && runById(s.teacherRunId)) || null;
      const problem = queueProblem(s.plan, teacher, dataset);
      if (problem) return notify('error', problem);
      const queued = queuedRuns(s.plan, { datasetId: dataset?.id ?? null, teacher, newId: opts.newId, createdAt: new Date() });
      // The queue starts once the runs are stored: an owner in another tab reads them from there.
      void commit({ ...s, runs: [...s.runs, ...queued], referenceKey: null }, queued.map((r) => r.id)).then(() => setQueueRunning(true));
      guard.saveMeta();
    },
    startQueue: () => setQueueRunning(true),
    pauseQueue: () => setQueueRunning(false),
    cancel: edits.cancel,
    move: edits.move,
    retry: edits.retry,
    resume: edits.resume,
    takeOver: () => tabs.takeOver(),
    remove(id) {
      if (id === state().activeRunId) return;
      set({ ...state(), runs: state().runs.filter((r) => r.id !== id) });
      guard.deleteRun(id);
    },
    async clearAll() {
      const s = state();
      if (s.activeRunId) void controller.cancel(s.activeRunId);
      set({ ...s, runs: [], activeRunId: null, queueRunning: false, lastStep: null, referenceKey: null, teacherRunId: null });
      await guard.clear(s.runs.map((r) => r.id));
      guard.saveMeta();
    },
    importFiles(files) {
      for (const file of files) {
        try {
          controller.addImported(file.name, parseImport(file.text, file.name));
        } catch (err) {
          notify('error', err instanceof ImportError ? err.message : `${file.name} was not imported: ${errorMessage(err)}`);
        }
      }
    },
    addImported(fileName, imported) {
      const sorting = sortImported(imported.runs, runById);
      commit({ ...state(), runs: [...state().runs, ...sorting.fresh] }, sorting.fresh.map((r) => r.id));
      const notice = importNotice(fileName, sorting);
      notify(notice.kind, notice.text);
    },
    exportLab() {
      const env = opts.workerStatus();
      return buildExport(state().plan, state().runs, { backend: env.backend, userAgent: opts.userAgent, runtime: 'browser' }, new Date(), state().referenceKey);
    },
    async predict(runId, sampleCount) {
      const run = runById(runId);
      const stored = await guard.loadWeights(runId);
      if (!run || !stored) throw new Error('This run has no saved weights.');
      return predictions.request(run.config, stored.weights, sampleCount);
    },
    workerStatusChanged: startNext,
    dismissNotice(id) {
      set({ ...state(), notices: state().notices.filter((n) => n.id !== id) });
    },
    notify,
  };
  return controller;
}
