/**
 * What the Node runners share (`npm run train`, `npm run ablate`): reading a JSON file with a
 * clear message, starting the backend (WebGPU through Dawn, else tfjs CPU with a warning),
 * loading the dataset a config names, the environment record, progress lines, Ctrl-C as an
 * AbortSignal, and the exit codes.
 */
import { readFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { initBackend } from '../engine/backend';
import type { ExperimentConfig } from '../engine/config';
import { createSyntheticDataset, SYNTHETIC_DEFAULT } from '../engine/data/synthetic';
import type { Dataset } from '../engine/data/types';
import type { BackendInfo, TrainEvent } from '../engine/events';
import type { Environment } from '../engine/results';
import { loadDatasetFromPath } from '../node/loadDataset';
import { installNodeWebGPU } from '../node/webgpu';
import { errorMessage } from '../engine/errorMessage';

/** Parses a JSON file; the error names the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${errorMessage(err)}`);
  }
}

/** Starts the preferred backend and says which one runs (warning when it is not WebGPU). */
export async function startBackend(preference: ExperimentConfig['run']['backend']): Promise<BackendInfo> {
  if (preference === 'auto' || preference === 'webgpu') {
    const problem = await installNodeWebGPU();
    if (problem) console.warn(`warning: ${problem}`);
  }
  const backend = await initBackend(preference);
  if (backend.name !== 'webgpu') console.warn(`warning: training on tfjs ${backend.name}, not WebGPU (${backend.fallbackReason ?? 'as asked'}); this is slow`);
  const a = backend.adapter;
  const adapter = a ? ` (${[a.vendor, a.architecture, a.description].filter(Boolean).join(', ')}; ${a.shaderF16 ? '' : 'no '}shader-f16)` : '';
  console.log(`backend: ${backend.name}${adapter}`);
  return backend;
}

/** The dataset at `path`, or the embedded synthetic set when no path is given and the config asks for it. */
export async function loadDataset(path: string | undefined, wanted: ExperimentConfig['data']['dataset']): Promise<Dataset> {
  let dataset: Dataset;
  if (path) {
    dataset = await loadDatasetFromPath(path);
  } else {
    if (wanted !== 'synthetic') throw new Error(`data.dataset is '${wanted}': pass --data with the dataset's path`);
    dataset = createSyntheticDataset(SYNTHETIC_DEFAULT);
  }
  console.log(`dataset: ${dataset.name}, ${dataset.train.count} training images, ${dataset.test ? `${dataset.test.count} test images` : 'no test split (a seeded split of the training set is used)'}`);
  return dataset;
}

/** The environment record of a Node run. */
export function nodeEnvironment(backend: BackendInfo): Environment {
  return { backend, userAgent: `node ${process.version} (${platform()} ${arch()})`, runtime: 'node' };
}

/** One progress line. */
export function formatEvent(e: TrainEvent): string {
  if (e.kind === 'step') {
    return `epoch ${e.epoch} step ${e.step}/${e.totalSteps}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toPrecision(3)}  ${e.imagesPerSecond.toFixed(1)} img/s`;
  }
  return `epoch ${e.epoch}/${e.totalEpochs}  train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(2)}%  val loss ${e.valLoss.toFixed(4)} top-1 ${(100 * e.valTop1).toFixed(2)}% top-5 ${(100 * e.valTop5).toFixed(2)}%  (${e.seconds.toFixed(1)} s)`;
}

/**
 * A progress printer: one line per event, and the precision a run with FP16 on really trains in
 * (StepEvent.precision) each time it is new, so that it is said once, not on every step.
 */
export function createEventPrinter(log: (line: string) => void = console.log): (e: TrainEvent) => void {
  let precision: string | undefined;
  return (e) => {
    if (e.kind === 'step' && e.precision && e.precision !== precision) {
      precision = e.precision;
      log(`precision: ${precision}`);
    }
    log(formatEvent(e));
  };
}

/**
 * Ctrl-C, or SIGTERM (a scheduler pre-empting the machine), aborts the returned signal: the run
 * stops after its step and its last epoch checkpoint is kept. The same signal again quits at once.
 */
export function abortOnInterrupt(what: string): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) process.exit(130);
    console.log(`\n${signal}: stopping ${what} after this step (again to quit at once)…`);
    controller.abort();
    process.once(signal, () => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return controller.signal;
}

/** Runs `main` and exits with its code; an exception prints `error: …` and exits 2. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`error: ${errorMessage(err)}`);
      process.exit(2);
    },
  );
}
