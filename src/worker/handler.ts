/**
 * What the training worker does, apart from the worker itself (so Node tests drive it on Dawn):
 * answer the requests of protocol.ts: initialise a backend (WebGPU first), load a dataset (the
 * embedded synthetic set, or CIFAR-10 or CIFAR-100 files), and start / pause / resume / stop one
 * run at a time (stop = AbortSignal). For the ablation lab a run may also stream epoch
 * checkpoints, resume from one, learn from a teacher's weights and hand its final weights back,
 * and a finished run's weights can be asked for predictions.
 *
 * Faults: a run too big for the device is refused with the setting to lower (outOfMemory.ts); a
 * GPU that runs out of memory mid-run ends it the same way; a lost GPU device interrupts the
 * run, the backend is brought back on a new device and the run resumes from its last epoch
 * checkpoint (kept here for every run), at most MAX_RECOVERIES times. Every failure comes back
 * as an event; the worker never dies silently.
 */
import { initBackend } from '../engine/backend';
import type { ExperimentConfig } from '../engine/config';
import { checkDatasetSize } from '../engine/data/split';
import type { Dataset } from '../engine/data/types';
import type { BackendInfo } from '../engine/events';
import { currentDevice, describeLoss, restartWebGPU, watchDevice, type DeviceWatch } from '../engine/gpuDevice';
import { predictValidation } from '../engine/lab/predict';
import { needsTeacher, teacherMismatch } from '../engine/lab/teacher';
import type { TeacherSpec } from '../engine/model/teacher';
import { checkFitsDevice, OutOfMemoryError, outOfMemoryDuringRun } from '../engine/outOfMemory';
import type { Environment } from '../engine/results';
import type { Checkpoint } from '../engine/train/checkpoint';
import { startTraining } from '../engine/train/trainer';
import type { TrainingRun } from '../engine/train/types';
import { ConfigError, validateConfig } from '../engine/validateConfig';
import { readDatasetSource, type SourceDeps } from './datasetSources';
import type { DatasetInfo, DatasetSource, LabRunOptions, WorkerEvent, WorkerFault, WorkerRequest } from './protocol';
import { errorMessage } from '../engine/errorMessage';

/** A run is resumed after a lost GPU at most this many times (a GPU that keeps failing stops it). */
export const MAX_RECOVERIES = 2;

export interface HandlerOptions {
  post: (event: WorkerEvent, transfer?: Transferable[]) => void;
  environment: Omit<Environment, 'backend'>;
  /** Makes the worker stop answering (the 'hang' fault): `self.close()` in a worker. */
  hang?: () => void;
  /** How Parquet images are decoded and where decoded sets are kept (datasetSources.ts). */
  sources?: Omit<SourceDeps, 'progress'>;
}

export interface WorkerHandler {
  handle(request: WorkerRequest): Promise<void>;
  /** The active run's id (errors outside a request are reported against it). */
  activeRunId(): string | null;
}

interface ActiveRun {
  runId: string;
  /** Null until the backend is ready and the loop has started. */
  run: TrainingRun | null;
  controller: AbortController;
  /** A pause asked for before the loop started, applied when it does. */
  pauseRequested: boolean;
}

const buffersOf = (arrays: Float32Array[]): Transferable[] => arrays.map((a) => a.buffer);
const copyCheckpoint = (c: Checkpoint): Checkpoint => ({ ...c, weights: c.weights.map((w) => w.slice()), optimizer: c.optimizer.map((w) => w.slice()) });

function describe(d: Dataset): DatasetInfo {
  const info: DatasetInfo = { name: d.name, id: d.id, trainCount: d.train.count, testCount: d.test?.count ?? 0, classNames: d.classNames };
  if (d.coarseClassNames) info.coarseClassNames = d.coarseClassNames;
  return info;
}

/** Creates the worker's request handler; events go out through `opts.post`. */
export function createWorkerHandler(opts: HandlerOptions): WorkerHandler {
  const { post } = opts;
  let backendReady: Promise<BackendInfo> | null = null;
  let preference: ExperimentConfig['run']['backend'] = 'auto';
  let allowFaults = false;
  let dataset: Dataset | null = null;
  let active: ActiveRun | null = null;
  /**
   * The last finished run's model and weights, on the dataset it was trained on: the default
   * distillation teacher when a run asks for distillation without naming one.
   */
  let lastFinished: { config: ExperimentConfig; numClasses: number; teacher: TeacherSpec } | null = null;

  const postError = (runId: string | null, err: unknown): void => {
    if (err instanceof ConfigError || err instanceof OutOfMemoryError) post({ type: 'error', runId, message: err.message, field: err.field });
    else post({ type: 'error', runId, message: errorMessage(err) });
  };

  async function init(backend: ExperimentConfig['run']['backend']): Promise<void> {
    preference = backend;
    backendReady = initBackend(backend);
    post({ type: 'ready', backend: await backendReady });
  }

  /** Counts dataset requests: a load overtaken by a later one (decoding takes a while) is dropped. */
  let loadToken = 0;

  async function loadDataset(source: DatasetSource): Promise<void> {
    if (active) throw new Error('Stop the current run before loading another dataset.');
    const token = ++loadToken;
    // On a bad file this throws (a DatasetError naming the file) and `dataset` keeps the old set.
    let next;
    try {
      next = await readDatasetSource(source, {
        ...opts.sources,
        progress: (message, done, total) => token === loadToken && post({ type: 'datasetProgress', message, done, total }),
      });
    } catch (err) {
      if (token === loadToken) throw err;
      return;
    }
    if (token !== loadToken) return;
    if (active) throw new Error('Stop the current run before loading another dataset.');
    checkDatasetSize(next.dataset);
    dataset = next.dataset;
    post({ type: 'dataset', info: next.note ? { ...describe(next.dataset), note: next.note } : describe(next.dataset) });
  }

  /** Brings WebGPU back on a new device; the new backend info, or throws. */
  async function recoverBackend(): Promise<BackendInfo> {
    const previous = await backendReady;
    if (previous?.name === 'webgpu') {
      await restartWebGPU();
      backendReady = Promise.resolve(previous);
    } else {
      backendReady = initBackend(preference);
    }
    const info = await backendReady;
    post({ type: 'ready', backend: info, recovered: true });
    return info;
  }

  async function start(runId: string, config: ExperimentConfig, lab: LabRunOptions = {}, recoveries = 0): Promise<void> {
    if (active) throw new Error(`A run (${active.runId}) is already in progress; stop it first.`);
    if (!backendReady) throw new Error('The worker was not initialised.');
    if (!dataset) throw new Error('No dataset is loaded.');
    const data = dataset;
    if (config.data.dataset !== data.id) {
      throw new ConfigError('data.dataset', `is '${config.data.dataset}' but the loaded dataset is '${data.id}'`);
    }
    validateConfig(config, { trainSize: data.train.count });
    // The run finished last teaches a distillation run that names no teacher, only if it learnt from this run's data.
    const fallback = !lab.teacher && needsTeacher(config) ? lastFinished : null;
    const mismatch = fallback && teacherMismatch({ config: fallback.config, numClasses: fallback.numClasses }, { config, numClasses: data.classNames.length, heldOut: !data.test });
    if (mismatch) throw new Error(`${mismatch} The teacher here is the run that finished last: train one on this data first.`);
    const controller = new AbortController();
    const current: ActiveRun = { runId, run: null, controller, pauseRequested: false };
    active = current;
    let watch: DeviceWatch | null = null;
    let checkpoint: Checkpoint | null = lab.resumeFrom ?? null;
    let lastStep = checkpoint?.globalStep ?? 0;
    try {
      const backend = await backendReady;
      // Too big for the device: refused before anything is allocated, naming the setting.
      checkFitsDevice(config);
      watch = watchDevice();
      const device = watch;
      current.run = startTraining({
        config,
        dataset: data,
        environment: { ...opts.environment, backend },
        signal: controller.signal,
        onEvent: (event) => {
          if (event.kind === 'step') lastStep = event.step;
          post({ type: 'progress', runId, event });
        },
        onCompile: (done, total) => post({ type: 'compiling', runId, done, total }),
        teacher: lab.teacher ?? fallback?.teacher,
        resumeFrom: lab.resumeFrom,
        // Every run keeps its latest checkpoint here (to resume after a lost GPU); the lab gets a copy.
        onCheckpoint: (c) => {
          checkpoint = c;
          if (lab.checkpoints) {
            const copy = copyCheckpoint(c);
            post({ type: 'checkpoint', runId, checkpoint: copy }, [...buffersOf(copy.weights), ...buffersOf(copy.optimizer)]);
          }
        },
        onWeights: (weights) => {
          lastFinished = { config, numClasses: data.classNames.length, teacher: { model: config.model, weights } };
          // Posting transfers the buffers: send copies so the worker keeps its teacher.
          if (!lab.weights) return;
          const copies = weights.map((w) => w.slice());
          post({ type: 'weights', runId, weights: copies }, buffersOf(copies));
        },
        healthCheck: device
          ? () => {
              if (device.loss) throw new Error(describeLoss(device.loss));
              const oom = device.takeOutOfMemory();
              if (oom.length > 0) throw outOfMemoryDuringRun(config, oom[0]);
            }
          : undefined,
      });
      // A lost device stops the loop at its next step (a pending read-back may fail first).
      void device?.lost.then(() => controller.abort());
      if (current.pauseRequested) current.run.pause();
      const result = await current.run.result;
      const loss = device ? (device.loss ?? (result.status === 'failed' ? await device.settle(1000) : null)) : null;
      if (!loss) {
        post({ type: 'done', runId, result });
        return;
      }
      // The GPU was lost: the run is interrupted, not ended; bring the backend back and resume.
      if (active === current) active = null;
      const resuming = recoveries < MAX_RECOVERIES;
      const resumeFrom: Checkpoint | null = checkpoint;
      const where = resumeFrom ? `its checkpoint after epoch ${resumeFrom.epoch}` : 'the beginning (no epoch had finished)';
      const message = `${describeLoss(loss)} at step ${lastStep}. ${resuming ? `The run resumes from ${where}.` : `It was lost ${recoveries + 1} times; the run stays interrupted at ${where}.`}`;
      post({ type: 'interrupted', runId, message, checkpointEpoch: resumeFrom?.epoch ?? null, resuming });
      try {
        await recoverBackend();
      } catch (err) {
        throw new Error(`The GPU was lost and could not be restarted (${errorMessage(err)}). Reload the page to go on; the lab keeps its runs and checkpoints.`);
      }
      if (!resuming) return;
      post({ type: 'resumed', runId, fromEpoch: resumeFrom?.epoch ?? 0, fromStep: resumeFrom?.globalStep ?? 0, epochs: resumeFrom?.epochs ?? [], steps: resumeFrom?.steps ?? [] });
      await start(runId, config, { ...lab, resumeFrom: resumeFrom ?? undefined }, recoveries + 1);
    } finally {
      watch?.close();
      if (active === current) active = null;
    }
  }

  async function predict(request: Extract<WorkerRequest, { type: 'predict' }>): Promise<void> {
    try {
      if (!backendReady) throw new Error('The worker was not initialised.');
      await backendReady;
      if (!dataset) throw new Error('No dataset is loaded.');
      if (request.config.data.dataset !== dataset.id) throw new Error(`The run used '${request.config.data.dataset}' but the loaded dataset is '${dataset.id}'.`);
      const predictions = await predictValidation(dataset, request.config, request.weights, request.sampleCount);
      post({ type: 'predictions', requestId: request.requestId, predictions }, [predictions.samples.images.buffer]);
    } catch (err) {
      post({ type: 'predictError', requestId: request.requestId, message: errorMessage(err) });
    }
  }

  function control(request: Extract<WorkerRequest, { type: 'pause' | 'resume' | 'stop' }>): void {
    if (!active || active.runId !== request.runId) return; // a late click on a finished run
    if (request.type === 'stop') {
      active.controller.abort(); // the loop wakes from a pause to see it
      return;
    }
    const pause = request.type === 'pause';
    if (active.run) {
      if (pause) active.run.pause();
      else active.run.resume();
    } else {
      active.pauseRequested = pause;
    }
    post({ type: 'paused', runId: request.runId, paused: active.run ? active.run.paused : pause });
  }

  function injectFault(fault: WorkerFault): void {
    if (!allowFaults) throw new Error('Fault injection is off (open the page with ?faults=1).');
    if (fault === 'lose-device') {
      const device = currentDevice();
      if (!device) throw new Error('The backend is not WebGPU: there is no device to lose.');
      device.destroy();
    } else if (fault === 'hang') {
      opts.hang?.();
    } else {
      setTimeout(() => {
        throw new Error('injected fault: an uncaught error in the training worker');
      }, 0);
    }
  }

  async function handle(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'init':
        allowFaults = request.allowFaults === true;
        return init(request.backend);
      case 'injectFault':
        return injectFault(request.fault);
      case 'loadDataset':
        return loadDataset(request.source);
      case 'start':
        return start(request.runId, request.config, request.lab);
      case 'predict':
        return predict(request);
      case 'pause':
      case 'resume':
      case 'stop':
        return control(request);
    }
  }

  return {
    handle: (request) => {
      const runId = request.type === 'start' || request.type === 'pause' || request.type === 'resume' || request.type === 'stop' ? request.runId : null;
      return handle(request).catch((err: unknown) => postError(runId, err));
    },
    activeRunId: () => active?.runId ?? null,
  };
}
