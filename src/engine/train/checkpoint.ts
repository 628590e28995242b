/**
 * Epoch checkpoints: everything the next step depends on, so that a run interrupted by a closed
 * tab or a reload resumes where its last finished epoch left it and goes on exactly as the
 * uninterrupted run would have: model weights and BatchNorm running averages, SGD momentum
 * (and FP16's loss scale), the random generators of the data order/augmentation and of each
 * trick (mixup's λ, CutMix's box), the step counter, and the metrics so far. Plain data
 * (Float32Arrays and numbers), so it crosses the worker boundary and goes into IndexedDB.
 */
import * as tf from '@tensorflow/tfjs';
import { canonicalJson } from '../canonicalJson';
import type { ExperimentConfig } from '../config';
import type { EpochMetrics } from '../events';
import { readWeights, writeWeights } from '../model';
import type { Model } from '../model/types';
import type { StepSample } from '../results';
import type { Rng, RngState } from '../rng';
import type { TrickStreams } from '../tricks/resolve';
import type { TrainStep } from './step';

/** Bump when the shape changes; older checkpoints are refused (the run restarts instead). */
export const CHECKPOINT_VERSION = 2;

export interface Checkpoint {
  version: number;
  /** The run's config: a checkpoint resumes only a run of the same config. */
  config: ExperimentConfig;
  /** Epochs completed (1-based count); the resumed run starts at epoch + 1. */
  epoch: number;
  /** Optimiser steps taken so far (the schedule's position). */
  globalStep: number;
  imagesSeen: number;
  /** Wall time spent on the run before this checkpoint, seconds. */
  elapsedSeconds: number;
  /** ISO time the run first started. */
  startedAt: string;
  /** Every parameter and buffer, in readWeights order. */
  weights: Float32Array[];
  /** TrainStep.state in order: momentum buffers, numerics state, skipped-step count. */
  optimizer: Float32Array[];
  /** The data generator's state and each trick stream's, by label. */
  rng: { data: RngState; tricks: Record<string, RngState> };
  epochs: EpochMetrics[];
  steps: StepSample[];
}

/** The live objects a checkpoint is read from and written back to. */
export interface RunState {
  model: Model;
  step: TrainStep;
  dataRng: Rng;
  streams: TrickStreams;
}

/** Counters and history the loop owns. */
export interface RunProgress {
  epoch: number;
  globalStep: number;
  imagesSeen: number;
  elapsedSeconds: number;
  startedAt: string;
  epochs: EpochMetrics[];
  steps: StepSample[];
}

/** Reads the run's state back from the device (one read per tensor) into a checkpoint. */
export async function captureCheckpoint(config: ExperimentConfig, state: RunState, progress: RunProgress): Promise<Checkpoint> {
  const [weights, optimizer] = await Promise.all([readWeights(state.model), readVariables(state.step.state)]);
  return {
    version: CHECKPOINT_VERSION,
    config: structuredClone(config),
    ...progress,
    epochs: progress.epochs.map((e) => ({ ...e })),
    steps: progress.steps.map((s) => ({ ...s })),
    weights,
    optimizer,
    rng: { data: state.dataRng.save(), tricks: state.streams.save() },
  };
}

/**
 * Writes a checkpoint into a freshly built run of the same config and returns the loop's
 * counters. Throws, saying what differs, for another config or a checkpoint of another shape.
 */
export function restoreCheckpoint(checkpoint: Checkpoint, config: ExperimentConfig, state: RunState): RunProgress {
  if (checkpoint.version !== CHECKPOINT_VERSION) {
    throw new Error(`checkpoint: version ${checkpoint.version} is not ${CHECKPOINT_VERSION}; restart the run`);
  }
  if (canonicalJson(checkpoint.config) !== canonicalJson(config)) throw new Error('checkpoint: it belongs to a run with another config');
  if (checkpoint.epoch < 1 || checkpoint.epoch >= config.run.epochs) {
    throw new Error(`checkpoint: epoch ${checkpoint.epoch} is outside 1..${config.run.epochs - 1}`);
  }
  writeWeights(state.model, checkpoint.weights);
  writeVariables(state.step.state, checkpoint.optimizer);
  state.dataRng.restore(checkpoint.rng.data);
  state.streams.restore(checkpoint.rng.tricks);
  const { epoch, globalStep, imagesSeen, elapsedSeconds, startedAt } = checkpoint;
  return { epoch, globalStep, imagesSeen, elapsedSeconds, startedAt, epochs: [...checkpoint.epochs], steps: [...checkpoint.steps] };
}

async function readVariables(vars: readonly tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => new Float32Array(await v.data())));
}

function writeVariables(vars: readonly tf.Variable[], values: Float32Array[]): void {
  if (vars.length !== values.length) throw new Error(`checkpoint: expected ${vars.length} optimiser tensors, got ${values.length}`);
  vars.forEach((v, i) => {
    if (values[i].length !== v.size) throw new Error(`checkpoint: optimiser tensor ${i} has ${values[i].length} values, expected ${v.size}`);
  });
  vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i], v.shape, v.dtype))));
}
