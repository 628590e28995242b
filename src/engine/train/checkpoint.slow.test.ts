import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../config';
import { createSyntheticDataset } from '../data/synthetic';
import type { Environment, RunResult } from '../results';
import type { Checkpoint } from './checkpoint';
import { startTraining } from './trainer';

const environment: Environment = { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'vitest', runtime: 'node' };
const dataset = createSyntheticDataset({ seed: 2, trainCount: 160, testCount: 64 });

/** Tiny run with the tricks that draw random numbers (mixup) and change the schedule (cosine). */
const config: ExperimentConfig = makeConfig({
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { resolution: 16, trainLimit: 64, valLimit: 32 },
  optim: { batchSize: 32 },
  run: { epochs: 3, logEvery: 1, seed: 7 },
  tricks: { mixup: { enabled: true, params: {} }, cosine: { enabled: true, params: {} }, labelSmoothing: { enabled: true, params: {} } },
});

let full: RunResult;
const checkpoints: Checkpoint[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  full = await startTraining({ config, dataset, environment, onCheckpoint: (c) => void checkpoints.push(c) }).result;
});

describe('checkpoint and resume', () => {
  it('a run resumed from its epoch-1 checkpoint has the losses of the uninterrupted run (to 1e-5)', async () => {
    expect(full.status).toBe('finished');
    // One checkpoint per epoch but the last.
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    expect(checkpoints[0].globalStep).toBe(2);
    expect(checkpoints[0].epochs).toHaveLength(1);

    const tensorsBefore = tf.memory().numTensors;
    const resumed = await startTraining({ config, dataset, environment, resumeFrom: structuredClone(checkpoints[0]) }).result;
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(resumed.status).toBe('finished');
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // Epoch 1 comes from the checkpoint; epochs 2 and 3 are trained again and must match.
    for (const i of [1, 2]) {
      expect(Math.abs(resumed.epochs[i].trainLoss - full.epochs[i].trainLoss)).toBeLessThan(1e-5);
      expect(Math.abs(resumed.epochs[i].valLoss - full.epochs[i].valLoss)).toBeLessThan(1e-5);
      expect(resumed.epochs[i].lr).toBeCloseTo(full.epochs[i].lr, 12);
    }
    expect(resumed.steps.map((s) => s.step)).toEqual(full.steps.map((s) => s.step));
    resumed.steps.forEach((s, i) => expect(Math.abs(s.loss - full.steps[i].loss)).toBeLessThan(1e-5));
    expect(resumed.timings.startedAt).toBe(full.timings.startedAt);
  });

  it('a checkpoint without its momentum gives another loss (so the test above can fail)', async () => {
    const cp = checkpoints[1];
    // Momentum zeroed: the next epoch's loss moves away from the true continuation.
    const broken: Checkpoint = { ...cp, optimizer: cp.optimizer.map((b) => new Float32Array(b.length)) };
    const bad = await startTraining({ config, dataset, environment, resumeFrom: broken }).result;
    expect(Math.abs(bad.epochs[2].trainLoss - full.epochs[2].trainLoss)).toBeGreaterThan(1e-5);
  });

  it('refuses a checkpoint of another config: the run fails and says why', async () => {
    const other = makeConfig({ ...config, run: { ...config.run, seed: 8 } });
    const result = await startTraining({ config: other, dataset, environment, resumeFrom: checkpoints[0] }).result;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/another config/);
  });
});
