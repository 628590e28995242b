import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type DeepPartial, type ExperimentConfig } from '../config';
import { createSyntheticDataset } from '../data/synthetic';
import type { EpochEvent, StepEvent, TrainEvent } from '../events';
import type { Environment } from '../results';
import { startTraining } from './trainer';

const environment: Environment = { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'vitest', runtime: 'node' };
const dataset = createSyntheticDataset({ seed: 1, trainCount: 160, testCount: 64 });

/** A tiny run: depth 8, width ×0.25, 16×16 inputs, 128 images, batch 32. */
function tiny(patch: DeepPartial<ExperimentConfig> = {}): ExperimentConfig {
  const base = makeConfig({
    model: { depth: 8, widthMultiplier: 0.25 },
    data: { resolution: 16, trainLimit: 128 },
    optim: { batchSize: 32 },
    run: { epochs: 1, logEvery: 2, seed: 3 },
  });
  return makeConfig({ ...base, ...patch, model: { ...base.model, ...patch.model }, data: { ...base.data, ...patch.data }, optim: { ...base.optim, ...patch.optim }, run: { ...base.run, ...patch.run } } as DeepPartial<ExperimentConfig>);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('startTraining', () => {
  it('emits step and epoch events, learns, leaks no tensors, and returns a complete result', async () => {
    const events: TrainEvent[] = [];
    const tensorsAfterEpoch: number[] = [];
    const result = await startTraining({
      config: tiny({ run: { epochs: 3 } }),
      dataset,
      environment,
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'epoch') tensorsAfterEpoch.push(tf.memory().numTensors);
      },
    }).result;
    const steps = events.filter((e): e is StepEvent => e.kind === 'step');
    const epochs = events.filter((e): e is EpochEvent => e.kind === 'epoch');
    expect(result.status).toBe('finished');
    expect(steps.map((s) => s.step)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(steps[0].totalSteps).toBe(12);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochs) {
      expect(e.valTop5).toBeGreaterThanOrEqual(e.valTop1);
      expect(Number.isFinite(e.trainLoss)).toBe(true);
    }
    // No tensor leaks: the count after epoch 1 equals the count after epoch 3.
    expect(tensorsAfterEpoch[2]).toBe(tensorsAfterEpoch[0]);
    // It learns: the training loss falls from epoch 1 to epoch 3.
    expect(result.epochs[2].trainLoss).toBeLessThan(result.epochs[0].trainLoss);
    expect(result.dataset).toMatchObject({ trainCount: 128, valCount: 64, numClasses: 10 });
    expect(result.final?.bestValTop1).toBe(Math.max(...result.epochs.map((e) => e.valTop1)));
    expect(result.steps.map((s) => s.step)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(result.environment).toEqual(environment);
  });

  it('gives the same first-epoch loss for the same seed (to 1e-5) and a different one for another seed', async () => {
    const run = async (seed: number) =>
      (await startTraining({ config: tiny({ data: { trainLimit: 64 }, run: { seed } }), dataset, environment }).result).epochs[0].trainLoss;
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(Math.abs(a - b)).toBeLessThan(1e-5);
    expect(Math.abs(a - c)).toBeGreaterThan(1e-5);
  });

  it('pauses, resumes and stops', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    let onPaused: () => void = () => {};
    const pausedAt = new Promise<void>((resolve) => (onPaused = resolve));
    const run = startTraining({
      config: tiny({ run: { epochs: 3, logEvery: 1 } }),
      dataset,
      environment,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.kind !== 'step') return;
        seen.push(e.step);
        if (e.step === 2) {
          run.pause();
          onPaused();
        }
        if (e.step === 4) controller.abort();
      },
    });
    await pausedAt;
    await new Promise((r) => setTimeout(r, 500));
    expect(run.paused).toBe(true);
    expect(seen).toEqual([1, 2]);
    run.resume();
    const result = await run.result;
    expect(result.status).toBe('stopped');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(result.message).toMatch(/stopped by the user at step 4/);
  });

  it('marks a run diverged, with the step, at LR 1e6', async () => {
    const result = await startTraining({ config: tiny({ optim: { lr: 1e6 }, run: { epochs: 3, logEvery: 1 } }), dataset, environment }).result;
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/diverged at step \d+/);
    expect(result.steps.length).toBeGreaterThan(0);
  });

  it('ends a run whose loss explodes without reaching Infinity as diverged, naming the step and the loss', async () => {
    const result = await startTraining({ config: tiny({ optim: { lr: 100 }, run: { epochs: 3, logEvery: 1 } }), dataset, environment }).result;
    expect(result.status).toBe('diverged');
    const last = result.steps[result.steps.length - 1];
    expect(result.message).toMatch(new RegExp(`^diverged at step ${last.step}: the training loss is [0-9.]+e\\+\\d+, more than 10,000 times its start \\(2\\.30, a uniform guess over 10 classes\\)$`));
    // Ended at the first logged loss past 1e4 × ln 10 = 23,025.85, a finite one: not later, not at NaN.
    expect(last.loss).toBeGreaterThan(23_025.85);
    expect(Number.isFinite(last.loss)).toBe(true);
    for (const s of result.steps.slice(0, -1)) expect(s.loss).toBeLessThanOrEqual(23_026);
    expect(result.epochs.length).toBeLessThan(3);
  });

  it('rejects an impossible config with the field named', async () => {
    await expect(startTraining({ config: tiny({ optim: { batchSize: 1000 } }), dataset, environment }).result).rejects.toThrow(/optim\.batchSize/);
  });
});
