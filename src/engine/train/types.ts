/**
 * The training loop's public API: start a run on a loaded dataset, watch its events, pause,
 * resume, stop (AbortSignal), and receive a RunResult however it ends.
 */
import type { ExperimentConfig } from '../config';
import type { Checkpoint } from './checkpoint';
import type { TeacherSpec } from '../model/teacher';
import type { Dataset } from '../data/types';
import type { BackendInfo, TrainEvent } from '../events';
import type { Environment, RunResult } from '../results';

export interface TrainOptions {
  /** A config validateConfig has accepted (the trainer does not check it again). */
  config: ExperimentConfig;
  dataset: Dataset;
  environment: Environment;
  onEvent?: (event: TrainEvent) => void;
  /** Aborting stops the run at the next step; the result has status 'stopped'. */
  signal?: AbortSignal;
  /**
   * The teacher for knowledge distillation: a trained model's config and weights (readWeights),
   * e.g. a finished run's or a larger model's. Required when distillation is on.
   */
  teacher?: TeacherSpec;
  /**
   * Called with the trained weights (readWeights order) when the run finishes, before they are
   * freed: keep them with `config.model` as a TeacherSpec to distil into a later run.
   */
  onWeights?: (weights: Float32Array[]) => void;
  /**
   * Called at the end of every epoch but the last with the run's full state (weights, momentum,
   * random generators, metrics so far); the loop waits for it. Keep it to resume the run.
   */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /**
   * On WebGPU, every pipeline of the run is created (asynchronously) before its first step; this
   * is told each time one is ready: `done` of `total` ("compiling kernels k of n").
   */
  onCompile?: (done: number, total: number) => void;
  /** Continue a run of the same config from a checkpoint instead of starting it afresh. */
  resumeFrom?: Checkpoint;
  /**
   * Called after every read-back from the device (each logged step and each evaluation); throwing
   * ends the run as 'failed' with the error's message. The worker uses it to stop at once when the
   * GPU reported running out of memory or was lost (gpuDevice.ts).
   */
  healthCheck?: () => void;
}

export interface TrainingRun {
  /** Settles with the run's result whatever its status; rejects only for a config error. */
  readonly result: Promise<RunResult>;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

export type { BackendInfo };
