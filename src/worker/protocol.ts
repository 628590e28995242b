/**
 * The one typed message protocol between the UI (main thread) and the training worker.
 * Every message is structured-cloneable plain data. Requests go UI → worker; events go
 * worker → UI. Files cross as ArrayBuffers (transferred, not copied).
 */
import type { DatasetId, ExperimentConfig } from '../engine/config';
import type { BackendInfo, EpochMetrics, TrainEvent } from '../engine/events';
import type { Predictions } from '../engine/lab/predict';
import type { TeacherSpec } from '../engine/model/teacher';
import type { RunResult, StepSample } from '../engine/results';
import type { Checkpoint } from '../engine/train/checkpoint';

/** Where the worker should take a dataset from. */
export type DatasetSource =
  | { kind: 'synthetic'; seed: number; trainCount: number; testCount: number }
  /**
   * CIFAR-10 or CIFAR-100 files (the worker tells which from the names inside): the binary
   * version, or the Hugging Face Parquet files.
   */
  | { kind: 'cifar-files'; files: { name: string; bytes: ArrayBuffer }[] }
  /**
   * The Hugging Face Parquet files of one dataset, checked by the page; with `storeAs`, the
   * worker keeps the decoded set in the browser under that key (src/data/decodedStore.ts).
   */
  | { kind: 'parquet'; files: { name: string; bytes: ArrayBuffer }[]; storeAs?: { key: string; name: string } }
  /** A decoded set kept earlier under `key` (no download, no decoding); `name` is for messages. */
  | { kind: 'stored'; key: string; name: string };

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
  /** A remark on where it came from or was kept ("read from this browser's storage"). */
  note?: string;
}

/** What the ablation lab adds to a run (all optional for a plain run). */
export interface LabRunOptions {
  /** Send a 'checkpoint' event at the end of every epoch but the last (to resume after a reload). */
  checkpoints?: boolean;
  /** Send the final weights in a 'weights' event when the run finishes (teacher, inspection). */
  weights?: boolean;
  /** A finished run's weights as the distillation teacher. */
  teacher?: TeacherSpec;
  /** Continue from a checkpoint of the same config. */
  resumeFrom?: Checkpoint;
}

/**
 * Faults the worker provokes in itself when the page was opened with `?faults=1` (robustness
 * tests and demos; refused otherwise): lose the WebGPU device (`device.destroy()`), stop
 * answering (as a worker killed by the browser), or throw an uncaught error.
 */
export type WorkerFault = 'lose-device' | 'hang' | 'throw';

export type WorkerRequest =
  | { type: 'init'; backend: ExperimentConfig['run']['backend']; allowFaults?: boolean }
  | { type: 'injectFault'; fault: WorkerFault }
  | { type: 'loadDataset'; source: DatasetSource }
  | { type: 'start'; runId: string; config: ExperimentConfig; lab?: LabRunOptions }
  /** Predict the validation split of `config` with a finished run's weights (the lab's inspector). */
  | { type: 'predict'; requestId: string; config: ExperimentConfig; weights: Float32Array[]; sampleCount: number }
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'stop'; runId: string };

export type WorkerEvent =
  /** The backend started; `recovered` when it was brought back after the GPU was lost. */
  | { type: 'ready'; backend: BackendInfo; recovered?: boolean }
  /** Sent every second by a live worker (the page restarts one that falls silent). */
  | { type: 'heartbeat' }
  /**
   * The run stopped because the GPU was lost. `checkpointEpoch`: its last checkpoint (null: none,
   * it restarts from the beginning); `resuming`: the backend is back and the run goes on from it.
   */
  | { type: 'interrupted'; runId: string; message: string; checkpointEpoch: number | null; resuming: boolean }
  /**
   * An interrupted run continues from its checkpoint (after `fromEpoch`, at optimiser step
   * `fromStep`): the metrics so far are the checkpoint's.
   */
  | { type: 'resumed'; runId: string; fromEpoch: number; fromStep: number; epochs: EpochMetrics[]; steps: StepSample[] }
  /**
   * Made by the page's WorkerHost (src/client/workerHost.ts), not by the worker: the worker threw an
   * uncaught error or fell silent, was terminated and a new one started (not yet initialised):
   * the run in progress, if any, is interrupted; `stoppedRunId`: the run the page had asked to
   * stop and the worker did not in time (it ends stopped, not interrupted).
   */
  | { type: 'workerRestarted'; message: string; stoppedRunId?: string }
  | { type: 'dataset'; info: DatasetInfo }
  /** A slow dataset load under way (decoding images): `done` of `total` in the current step. */
  | { type: 'datasetProgress'; message: string; done: number; total: number }
  | { type: 'progress'; runId: string; event: TrainEvent }
  /** Before the first step on WebGPU: `done` of the run's `total` GPU pipelines are compiled. */
  | { type: 'compiling'; runId: string; done: number; total: number }
  | { type: 'paused'; runId: string; paused: boolean }
  | { type: 'done'; runId: string; result: RunResult }
  /** A run's state at the end of an epoch (LabRunOptions.checkpoints); buffers are transferred. */
  | { type: 'checkpoint'; runId: string; checkpoint: Checkpoint }
  /** A finished run's weights (LabRunOptions.weights), sent just before 'done'. */
  | { type: 'weights'; runId: string; weights: Float32Array[] }
  | { type: 'predictions'; requestId: string; predictions: Predictions }
  | { type: 'predictError'; requestId: string; message: string }
  /** `field` is the config path at fault for a config error; runId null for non-run errors. */
  | { type: 'error'; runId: string | null; message: string; field?: string };
