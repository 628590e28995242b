/**
 * The main thread's side of the training worker: sends typed requests (src/worker/protocol.ts)
 * and folds the worker's events into one immutable state snapshot that React reads through
 * useSyncExternalStore (the tldraw pattern: the engine has no UI, the UI has one bridge).
 *
 * Progress events can arrive many times a second; listeners are notified at most once per
 * `notifyIntervalMs` (createStore.ts).
 */
import { createStore } from './createStore';
import type { ExperimentConfig } from '../engine/config';
import type { BackendInfo, EpochEvent, StepEvent } from '../engine/events';
import type { RunResult } from '../engine/results';
import type { DatasetInfo, DatasetSource, WorkerEvent, WorkerFault, WorkerRequest } from '../worker/protocol';
import { errorMessage } from '../engine/errorMessage';

/** Where the current (or last) run is. */
export type RunPhase = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'done';

/** A message for the user; `field` is the config path at fault for a config error. */
export interface UserError {
  message: string;
  field?: string;
}

export interface TrainingState {
  /** Null until the worker reports the backend it initialised. */
  backend: BackendInfo | null;
  /** Set when no backend at all could start (the app cannot train). */
  initError: string | null;
  dataset: DatasetInfo | null;
  datasetLoading: boolean;
  /** Why the last dataset load failed; the previous dataset stays loaded. */
  datasetError: string | null;
  /** How far a slow dataset load is (decoding images); null when none is under way. */
  datasetProgress: { message: string; done: number; total: number } | null;
  runId: string | null;
  phase: RunPhase;
  /** The config the current run was started with. */
  runConfig: ExperimentConfig | null;
  /** Before the first step: GPU pipelines compiled so far of the run's total; null when not compiling. */
  compiling: { done: number; total: number } | null;
  /** Every logged step of the current run, oldest first. */
  steps: StepEvent[];
  /** Every finished epoch of the current run. */
  epochs: EpochEvent[];
  result: RunResult | null;
  /** A run or config error (config errors name the field). */
  runError: UserError | null;
  /**
   * What happened to the run besides its own progress: the GPU was lost and the run resumed from
   * its checkpoint, or the worker was restarted. Cleared when the next run starts.
   */
  runNotice: string | null;
  /** The run was stopped by restarting a worker that did not answer Stop (so it has no result). */
  stoppedWithoutResult: boolean;
}

/** The part of a Worker the client uses (a fake in unit tests). */
export interface WorkerPort {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerEvent>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
}

export interface TrainingClient {
  subscribe(listener: () => void): () => void;
  getSnapshot(): TrainingState;
  /** `allowFaults`: the worker accepts injectFault (pages opened with ?faults=1). */
  init(backend: ExperimentConfig['run']['backend'], allowFaults?: boolean): void;
  loadSynthetic(source: { seed: number; trainCount: number; testCount: number }): void;
  /** Reads the files as ArrayBuffers (async, off the render path) and transfers them. */
  loadFiles(files: readonly File[]): Promise<void>;
  /**
   * Transfers checked Hugging Face Parquet files to the worker, which decodes them and, with
   * `storeAs`, keeps the decoded set in the browser under that key.
   */
  loadParquet(files: { name: string; bytes: ArrayBuffer }[], storeAs?: { key: string; name: string }): void;
  /** Loads a decoded set kept in the browser earlier (loadParquet's storeAs). */
  loadStored(key: string, name: string): void;
  start(config: ExperimentConfig): void;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Provokes a fault in the worker (only when initialised with allowFaults). */
  injectFault(fault: WorkerFault): void;
}

export const INITIAL_STATE: TrainingState = {
  backend: null,
  initError: null,
  dataset: null,
  datasetLoading: false,
  datasetError: null,
  datasetProgress: null,
  runId: null,
  phase: 'idle',
  runConfig: null,
  compiling: null,
  steps: [],
  epochs: [],
  result: null,
  runError: null,
  runNotice: null,
  stoppedWithoutResult: false,
};

const joinNotice = (a: string | null, b: string): string => (a ? `${a} ${b}` : b);

/** Folds one worker event into the state (pure, so it is unit-tested on its own). */
export function reduce(state: TrainingState, event: WorkerEvent): TrainingState {
  switch (event.type) {
    case 'ready':
      if (event.recovered) return { ...state, backend: event.backend, initError: null, runNotice: joinNotice(state.runNotice, 'The backend was restarted on a new GPU device.') };
      return { ...state, backend: event.backend, initError: null };
    case 'interrupted': {
      if (event.runId !== state.runId) return state;
      if (event.resuming) return { ...state, runNotice: event.message };
      return { ...state, phase: 'done', runNotice: event.message, runError: { message: event.message } };
    }
    case 'resumed':
      if (event.runId !== state.runId) return state;
      // The charts go back to the checkpoint: the run continues from there.
      return {
        ...state,
        steps: state.steps.filter((s) => s.step <= event.fromStep),
        epochs: state.epochs.filter((e) => e.epoch <= event.fromEpoch),
        runNotice: joinNotice(state.runNotice, `Resumed after epoch ${event.fromEpoch}.`),
      };
    case 'workerRestarted': {
      if (event.stoppedRunId !== undefined && event.stoppedRunId === state.runId) {
        // The worker did not answer Stop in time: the run ends stopped, with what it had logged.
        const message = `${event.message} The run was stopped at step ${state.steps.at(-1)?.step ?? 0}.`;
        return { ...state, backend: null, datasetLoading: false, datasetProgress: null, phase: 'done', stoppedWithoutResult: true, runNotice: message };
      }
      const live = state.phase === 'starting' || state.phase === 'running' || state.phase === 'paused' || state.phase === 'stopping';
      const message = live ? `${event.message} The run was interrupted at step ${state.steps.at(-1)?.step ?? 0}; start it again.` : event.message;
      return {
        ...state,
        backend: null,
        datasetLoading: false,
        datasetProgress: null,
        phase: live ? 'done' : state.phase,
        runError: live ? { message } : state.runError,
        runNotice: message,
      };
    }
    case 'dataset':
      return { ...state, dataset: event.info, datasetLoading: false, datasetError: null, datasetProgress: null };
    case 'datasetProgress':
      return state.datasetLoading ? { ...state, datasetProgress: { message: event.message, done: event.done, total: event.total } } : state;
    case 'compiling':
      if (event.runId !== state.runId || state.phase !== 'starting') return state;
      return { ...state, compiling: { done: event.done, total: event.total } };
    case 'progress': {
      if (event.runId !== state.runId) return state;
      const phase = state.phase === 'starting' ? 'running' : state.phase;
      return event.event.kind === 'step'
        ? { ...state, phase, compiling: null, steps: [...state.steps, event.event] }
        : { ...state, phase, compiling: null, epochs: [...state.epochs, event.event] };
    }
    case 'paused':
      if (event.runId !== state.runId || state.phase === 'stopping' || state.phase === 'done') return state;
      return { ...state, phase: event.paused ? 'paused' : 'running' };
    case 'done':
      if (event.runId !== state.runId) return state;
      return { ...state, phase: 'done', result: event.result };
    case 'error': {
      const error: UserError = event.field ? { message: event.message, field: event.field } : { message: event.message };
      if (event.runId !== null) {
        if (event.runId !== state.runId) return state;
        return { ...state, phase: state.phase === 'starting' ? 'idle' : 'done', runError: error };
      }
      if (state.datasetLoading) return { ...state, datasetLoading: false, datasetError: event.message, datasetProgress: null };
      if (!state.backend) return { ...state, initError: event.message };
      return { ...state, runError: error };
    }
    default:
      return state; // the ablation lab's events (checkpoints, weights, predictions)
  }
}

let runCounter = 0;
function newRunId(): string {
  runCounter += 1;
  return `run-${Date.now().toString(36)}-${runCounter}`;
}

/** Wraps a worker (or any WorkerPort) in a subscribable store. */
export function createTrainingClient(worker: WorkerPort, notifyIntervalMs = 150): TrainingClient {
  const store = createStore(INITIAL_STATE, notifyIntervalMs);
  const set = (next: TrainingState, throttled = false) => store.set(next, throttled);
  const send = (message: WorkerRequest, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

  /** What the worker was asked to set up, replayed when a restarted worker needs it again. */
  let initRequest: WorkerRequest | null = null;
  type DataRequest =
    | { kind: 'synthetic'; seed: number; trainCount: number; testCount: number }
    | { kind: 'files'; files: readonly File[] }
    | { kind: 'stored'; key: string; name: string };
  let requestedData: DataRequest | null = null;
  let loadedData: DataRequest | null = null;

  worker.addEventListener('message', (e) => {
    const event = e.data;
    if (event.type === 'heartbeat') return;
    if (event.type === 'dataset') loadedData = requestedData;
    set(reduce(store.get(), event), event.type === 'progress');
    if (event.type === 'workerRestarted') {
      // A new worker knows nothing: initialise it and load the dataset the old one had.
      if (initRequest) send(initRequest);
      if (loadedData?.kind === 'synthetic') client.loadSynthetic(loadedData);
      else if (loadedData?.kind === 'files') void client.loadFiles(loadedData.files);
      else if (loadedData?.kind === 'stored') client.loadStored(loadedData.key, loadedData.name);
    }
  });
  worker.addEventListener('error', (e) => {
    // A worker that fails to load or throws at top level: say so instead of hanging.
    const message = `The training worker failed: ${e.message || 'unknown error'}`;
    const state = store.get();
    set({ ...state, phase: state.runId ? 'done' : state.phase, runError: { message }, datasetLoading: false });
  });

  const loadSource = (source: DatasetSource, transfer: Transferable[] = []) => {
    set({ ...store.get(), datasetLoading: true, datasetError: null, datasetProgress: null });
    send({ type: 'loadDataset', source }, transfer);
  };

  const client: TrainingClient = {
    subscribe: store.subscribe,
    getSnapshot: store.get,
    init(backend, allowFaults = false) {
      initRequest = { type: 'init', backend, allowFaults };
      send(initRequest);
    },
    loadSynthetic({ seed, trainCount, testCount }) {
      requestedData = { kind: 'synthetic', seed, trainCount, testCount };
      loadSource({ kind: 'synthetic', seed, trainCount, testCount });
    },
    async loadFiles(files) {
      // File objects are handles, not copies: keeping them costs nothing.
      requestedData = { kind: 'files', files };
      set({ ...store.get(), datasetLoading: true, datasetError: null });
      try {
        const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
        loadSource({ kind: 'cifar-files', files: read }, read.map((f) => f.bytes));
      } catch (err) {
        set({ ...store.get(), datasetLoading: false, datasetError: `Could not read the file: ${errorMessage(err)}` });
      }
    },
    loadParquet(files, storeAs) {
      // The bytes are transferred (gone from this side): a restarted worker reloads the stored copy.
      requestedData = storeAs ? { kind: 'stored', ...storeAs } : null;
      loadSource({ kind: 'parquet', files, ...(storeAs ? { storeAs } : {}) }, files.map((f) => f.bytes));
    },
    loadStored(key, name) {
      requestedData = { kind: 'stored', key, name };
      loadSource({ kind: 'stored', key, name });
    },
    start(config) {
      const runId = newRunId();
      set({ ...store.get(), runId, phase: 'starting', runConfig: config, compiling: null, steps: [], epochs: [], result: null, runError: null, runNotice: null, stoppedWithoutResult: false });
      send({ type: 'start', runId, config });
    },
    pause() {
      const { runId, phase } = store.get();
      if (runId && (phase === 'running' || phase === 'starting')) send({ type: 'pause', runId });
    },
    resume() {
      const { runId, phase } = store.get();
      if (runId && phase === 'paused') send({ type: 'resume', runId });
    },
    stop() {
      const { runId, phase } = store.get();
      if (!runId || (phase !== 'running' && phase !== 'paused' && phase !== 'starting')) return;
      send({ type: 'stop', runId });
      set({ ...store.get(), phase: 'stopping' });
    },
    injectFault(fault) {
      send({ type: 'injectFault', fault });
    },
  };
  return client;
}
