/**
 * The versioned results JSON of one run, written by the Node runner and downloaded from the
 * browser in the same shape: config, environment, per-epoch metrics, sampled per-step metrics,
 * final metrics, timings and status.
 */
import type { ExperimentConfig } from './config';
import type { BackendInfo, EpochMetrics, RunStatus, StepEvent } from './events';

export const RESULTS_SCHEMA_VERSION = 1;
export const APP_NAME = 'trick-lab';
/** Kept in step with package.json's version by a unit test. */
export const APP_VERSION = '0.1.0';

export interface Environment {
  backend: BackendInfo;
  /** navigator.userAgent in a browser, 'node vX (platform arch)' in Node. */
  userAgent: string;
  runtime: 'browser' | 'node';
}

export interface StepSample {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  imagesPerSecond: number;
}

export interface FinalMetrics {
  valTop1: number;
  valTop5: number;
  valLoss: number;
  bestValTop1: number;
  trainLoss: number;
  trainAccuracy: number;
}

export interface RunResult {
  schemaVersion: number;
  app: { name: string; version: string };
  config: ExperimentConfig;
  dataset: { name: string; trainCount: number; valCount: number; numClasses: number };
  environment: Environment;
  status: RunStatus;
  /** Why it stopped early ('diverged at step 12: loss is NaN', an error message), or null. */
  message: string | null;
  epochs: EpochMetrics[];
  steps: StepSample[];
  final: FinalMetrics | null;
  timings: { startedAt: string; finishedAt: string; wallSeconds: number; imagesPerSecond: number };
}

/**
 * A run keeps at most this many step samples (the trainer in its results, the lab in its live
 * copy); later logged steps are still emitted and charted live, but not stored.
 */
export const MAX_STEP_SAMPLES = 2000;

/** Converts a step event into the sample kept in results. */
export function toStepSample(e: StepEvent): StepSample {
  return { step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr, imagesPerSecond: e.imagesPerSecond };
}
