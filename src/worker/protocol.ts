/**
 * The one typed message protocol between the UI (main thread) and the training worker.
 * Every message is structured-cloneable plain data. Requests go UI → worker; events go
 * worker → UI. Files cross as ArrayBuffers (transferred, not copied).
 */
import type { DatasetId, ExperimentConfig } from '../engine/config';
import type { BackendInfo, TrainEvent } from '../engine/events';
import type { RunResult } from '../engine/results';

/** Where the worker should take a dataset from. */
export type DatasetSource =
  | { kind: 'synthetic'; seed: number; trainCount: number; testCount: number }
  /** CIFAR-10 or CIFAR-100 files (the worker tells which from the names inside). */
  | { kind: 'cifar10-files'; files: { name: string; bytes: ArrayBuffer }[] };

/** Summary of the loaded dataset shown in the UI. */
export interface DatasetInfo {
  name: string;
  id: DatasetId;
  trainCount: number;
  /** 0 when the source has no test split (a seeded split of train is used). */
  testCount: number;
  classNames: string[];
  /** CIFAR-100's 20 superclass names; absent for other datasets. */
  coarseClassNames?: string[];
}

export type WorkerRequest =
  | { type: 'init'; backend: ExperimentConfig['run']['backend'] }
  | { type: 'loadDataset'; source: DatasetSource }
  | { type: 'start'; runId: string; config: ExperimentConfig }
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'stop'; runId: string };

export type WorkerEvent =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'dataset'; info: DatasetInfo }
  | { type: 'progress'; runId: string; event: TrainEvent }
  | { type: 'paused'; runId: string; paused: boolean }
  | { type: 'done'; runId: string; result: RunResult }
  /** `field` is the config path at fault for a config error; runId null for non-run errors. */
  | { type: 'error'; runId: string | null; message: string; field?: string };
