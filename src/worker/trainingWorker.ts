/**
 * The training worker: all of tfjs runs here, off the main thread, so the page never blocks
 * while a ResNet trains. It answers the requests of src/worker/protocol.ts: initialise a
 * backend (WebGPU first), load a dataset (the embedded synthetic set, or CIFAR-10 or CIFAR-100 files), and
 * start / pause / resume / stop one run at a time (stop = AbortSignal). For the ablation lab a
 * run may also stream epoch checkpoints, resume from one, learn from a teacher's weights and
 * hand its final weights back, and a finished run's weights can be asked for predictions.
 * Every failure comes back as an 'error' event; the worker never dies silently.
 */
/// <reference lib="webworker" />
import { initBackend } from '../engine/backend';
import type { TeacherSpec } from '../engine/model/teacher';
import type { ExperimentConfig } from '../engine/config';
import { loadAnyCifarFromFiles } from '../engine/data/cifar';
import { createSyntheticDataset } from '../engine/data/synthetic';
import type { Dataset } from '../engine/data/types';
import type { BackendInfo } from '../engine/events';
import { predictValidation } from '../engine/lab/predict';
import type { Checkpoint } from '../engine/train/checkpoint';
import { startTraining } from '../engine/train/trainer';
import type { TrainingRun } from '../engine/train/types';
import { ConfigError, validateConfig } from '../engine/validateConfig';
import type { DatasetInfo, DatasetSource, LabRunOptions, WorkerEvent, WorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

interface ActiveRun {
  runId: string;
  /** Null until the backend is ready and the loop has started. */
  run: TrainingRun | null;
  controller: AbortController;
  /** A pause asked for before the loop started, applied when it does. */
  pauseRequested: boolean;
}

let backendReady: Promise<BackendInfo> | null = null;
let dataset: Dataset | null = null;
let active: ActiveRun | null = null;

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(event, transfer);
}

const buffersOf = (arrays: Float32Array[]): Transferable[] => arrays.map((a) => a.buffer);
const checkpointBuffers = (c: Checkpoint): Transferable[] => [...buffersOf(c.weights), ...buffersOf(c.optimizer)];

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function postError(runId: string | null, err: unknown): void {
  if (err instanceof ConfigError) post({ type: 'error', runId, message: err.message, field: err.field });
  else post({ type: 'error', runId, message: messageOf(err) });
}

function describe(d: Dataset): DatasetInfo {
  const info: DatasetInfo = { name: d.name, id: d.id, trainCount: d.train.count, testCount: d.test?.count ?? 0, classNames: d.classNames };
  if (d.coarseClassNames) info.coarseClassNames = d.coarseClassNames;
  return info;
}

async function init(preference: ExperimentConfig['run']['backend']): Promise<void> {
  backendReady = initBackend(preference);
  post({ type: 'ready', backend: await backendReady });
}

async function loadDataset(source: DatasetSource): Promise<void> {
  if (active) throw new Error('Stop the current run before loading another dataset.');
  // On a bad file this throws (a DatasetError naming the file) and `dataset` keeps the old set.
  const next =
    source.kind === 'synthetic'
      ? createSyntheticDataset({ seed: source.seed, trainCount: source.trainCount, testCount: source.testCount })
      : loadAnyCifarFromFiles(source.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })));
  dataset = next;
  post({ type: 'dataset', info: describe(next) });
}

/**
 * The last finished run's model and weights, on the dataset it was trained on: the default
 * distillation teacher when a run asks for distillation without naming one.
 */
let lastFinished: { datasetId: string; teacher: TeacherSpec } | null = null;

async function start(runId: string, config: ExperimentConfig, lab: LabRunOptions = {}): Promise<void> {
  if (active) throw new Error(`A run (${active.runId}) is already in progress; stop it first.`);
  if (!backendReady) throw new Error('The worker was not initialised.');
  if (!dataset) throw new Error('No dataset is loaded.');
  const data = dataset;
  if (config.data.dataset !== data.id) {
    throw new ConfigError('data.dataset', `is '${config.data.dataset}' but the loaded dataset is '${data.id}'`);
  }
  validateConfig(config, { trainSize: data.train.count });
  const controller = new AbortController();
  const current: ActiveRun = { runId, run: null, controller, pauseRequested: false };
  active = current;
  try {
    const backend = await backendReady;
    current.run = startTraining({
      config,
      dataset: data,
      environment: { backend, userAgent: navigator.userAgent, runtime: 'browser' },
      signal: controller.signal,
      onEvent: (event) => post({ type: 'progress', runId, event }),
      teacher: lab.teacher ?? (lastFinished?.datasetId === data.id ? lastFinished.teacher : undefined),
      resumeFrom: lab.resumeFrom,
      onCheckpoint: lab.checkpoints ? (checkpoint) => post({ type: 'checkpoint', runId, checkpoint }, checkpointBuffers(checkpoint)) : undefined,
      onWeights: (weights) => {
        lastFinished = { datasetId: data.id, teacher: { model: config.model, weights } };
        // Posting transfers the buffers: send copies so the worker keeps its teacher.
        if (!lab.weights) return;
        const copies = weights.map((w) => w.slice());
        post({ type: 'weights', runId, weights: copies }, buffersOf(copies));
      },
    });
    if (current.pauseRequested) current.run.pause();
    const result = await current.run.result;
    post({ type: 'done', runId, result });
  } finally {
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
    post({ type: 'predictError', requestId: request.requestId, message: messageOf(err) });
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

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'init':
      return init(request.backend);
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

scope.addEventListener('message', (e: MessageEvent<WorkerRequest>) => {
  const request = e.data;
  const runId = request.type === 'start' || request.type === 'pause' || request.type === 'resume' || request.type === 'stop' ? request.runId : null;
  handle(request).catch((err: unknown) => postError(runId, err));
});

scope.addEventListener('error', (e: ErrorEvent) => {
  post({ type: 'error', runId: active?.runId ?? null, message: `Worker error: ${e.message}` });
});

scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  postError(active?.runId ?? null, e.reason);
});
