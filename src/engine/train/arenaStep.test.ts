/**
 * The training step with the one-dispatch updates (kernels/sgdArena.ts, runningAverageUpdates)
 * on WebGPU: with no bias decay and FP16 loss scaling (whose gate skips the overflowing first
 * steps) it follows the 'stock' step (tf ops, one update per tensor) step by step; its SGD and
 * running averages are 2 dispatches a step (3 with loss scaling); and a checkpoint taken mid-run and restored into the
 * same run (weights, momentum, loss scale assigned from outside the arena) repeats the same
 * steps exactly. Error bound against stock: relative 1e-4 (the convolutions sum in other orders).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { makeConfig, type ExperimentConfig } from '../config';
import type { KernelSet } from '../kernels/registry';
import { createModel, disposeModel, readWeights } from '../model';
import { createRng } from '../rng';
import { FP16_MAX_SCALE } from '../tricks/catalog';
import { createTrickStreams } from '../tricks/resolve';
import { captureCheckpoint, restoreCheckpoint, type RunProgress } from './checkpoint';
import { createTrainStep } from './step';
import { compare, randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const BATCH = 4;
const SIZE = 8;
const LABELS = [[0, 3, 7, 9], [1, 1, 2, 5], [4, 6, 8, 0], [9, 2, 3, 7]];

/** No bias decay and Nesterov; with `fp16`, FP16 loss scaling from that initial scale. */
function configFor(kernels: KernelSet, fp16?: number): ExperimentConfig {
  const tricks = { noBiasDecay: { enabled: true, params: {} }, ...(fp16 ? { fp16: { enabled: true, params: { initialScale: fp16 } } } : {}) };
  return makeConfig({
    model: { depth: 8, widthMultiplier: 0.25 },
    data: { resolution: SIZE },
    optim: { batchSize: BATCH, nesterov: true },
    run: { kernels, epochs: 3 },
    tricks,
  });
}

function build(kernels: KernelSet, fp16?: number) {
  const config = configFor(kernels, fp16);
  const model = createModel(config.model, 10, createRng(3));
  const streams = createTrickStreams(createRng(4));
  const step = createTrainStep({ model, config, runtime: { config, numClasses: 10, streams } });
  const images = LABELS.map((_, i) => randomValues(createRng(10 + i), BATCH * SIZE * SIZE * 3));
  return {
    config,
    state: { model, step, streams, dataRng: createRng(5) },
    /** Step on batch `i`; its loss, the dispatches its updates took, and the tensor count after. */
    async run(i: number): Promise<{ loss: number; updates: number; tensors: number }> {
      let loss: tf.Scalar | null = null;
      const { byProgram } = countDispatches(() => {
        tf.tidy(() => {
          const x = tf.tensor4d(images[i], [BATCH, SIZE, SIZE, 3]);
          const targets = tf.oneHot(tf.tensor1d(LABELS[i], 'int32'), 10).toFloat() as tf.Tensor2D;
          const out = step.run({ x, targets }, 0.1);
          loss = out.loss;
          out.correct.dispose();
        });
      });
      const value = (await (loss as unknown as tf.Scalar).data())[0];
      (loss as unknown as tf.Scalar).dispose();
      const updates = [...byProgram].filter(([name]) => name === 'tlArena' || name === 'tlUpdate').reduce((s, [, n]) => s + n, 0);
      return { loss: value, updates, tensors: tf.memory().numTensors };
    },
    /** Weights and running statistics, then momentum, loss scale and counters. */
    async values(): Promise<Float32Array[]> {
      const vars = await Promise.all(step.state.map(async (v) => new Float32Array(await v.data())));
      return [...(await readWeights(model)), ...vars];
    },
    dispose() {
      step.dispose();
      disposeModel(model);
    },
  };
}

const progress = (globalStep: number): RunProgress => ({ epoch: 1, globalStep, imagesSeen: globalStep * BATCH, elapsedSeconds: 0, startedAt: '', epochs: [], steps: [] });

type StepResult = Awaited<ReturnType<ReturnType<typeof build>['run']>>;

/** `steps` steps of a 'custom' and a 'stock' step built alike, in turn. */
async function both(steps: number, fp16?: number) {
  const custom = build('custom', fp16);
  const stock = build('stock', fp16);
  try {
    const ours: StepResult[] = [];
    const theirs: StepResult[] = [];
    for (let i = 0; i < steps; i++) {
      ours.push(await custom.run(i));
      theirs.push(await stock.run(i));
    }
    return { ours, theirs, mine: await custom.values(), ref: await stock.values() };
  } finally {
    custom.dispose();
    stock.dispose();
  }
}

const expectSameLosses = (ours: StepResult[], theirs: StepResult[]) =>
  ours.forEach((o, i) => expect(Math.abs(o.loss - theirs[i].loss), `step ${i + 1}`).toBeLessThan(1e-4 * Math.max(1, theirs[i].loss)));

describe('training step with the arena updates', () => {
  it("follows the 'stock' step for 4 steps, in 2 update dispatches a step, with a flat tensor count", async () => {
    await tf.setBackend('webgpu');
    const { ours, theirs, mine, ref } = await both(LABELS.length);
    expectSameLosses(ours, theirs);
    expect(ours.map((o) => o.updates)).toEqual(LABELS.map(() => 2));
    expect(new Set(ours.slice(1).map((o) => o.tensors)).size).toBe(1);
    // Weights, running statistics and momentum after the last step.
    ref.forEach((r, i) => {
      const { worst, maxAbs } = compare(mine[i], r, 1e-6, 1e-4);
      expect(worst, `tensor ${i}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
    });
  });

  it('FP16: a step skipped on overflow keeps weights and momentum; an open gate follows stock', async () => {
    await tf.setBackend('webgpu');
    // 2^24 overflows half in these first steps: both are skipped on the device.
    const run = build('custom', FP16_MAX_SCALE);
    try {
      const start = await run.values();
      // The finiteness check, the SGD update (unscaling inside) and the running averages.
      for (const i of [0, 1]) expect((await run.run(i)).updates).toBe(3);
      const end = await run.values();
      // values(): parameters, running statistics (updated even on a skipped step), then step.state
      // (momentum buffers first, the skipped count last).
      const params = run.state.model.params.length;
      const stateAt = params + run.state.model.buffers.length;
      expect(end.slice(0, params)).toEqual(start.slice(0, params));
      expect(end.slice(stateAt, stateAt + params)).toEqual(start.slice(stateAt, stateAt + params));
      expect(end[end.length - 1][0]).toBe(2);
    } finally {
      run.dispose();
    }
    // 2^16 does not overflow: the first steps go through, as stock's (FP16 rounding makes later
    // steps drift apart by half-precision steps, whatever the update kernels).
    const { ours, theirs, mine } = await both(2, 2 ** 16);
    expectSameLosses(ours, theirs);
    expect(mine[mine.length - 1][0]).toBe(0);
  });

  it('repeats the same steps exactly after a checkpoint restored into the running step', async () => {
    await tf.setBackend('webgpu');
    const run = build('custom', 2 ** 16);
    try {
      for (const i of [0, 1, 2]) await run.run(i);
      const checkpoint = await captureCheckpoint(run.config, run.state, progress(3));
      const first = [(await run.run(3)).loss, (await run.run(0)).loss];
      const after = await run.values();
      restoreCheckpoint(structuredClone(checkpoint), run.config, run.state);
      expect(await run.values()).toEqual([...checkpoint.weights, ...checkpoint.optimizer]);
      const again = [(await run.run(3)).loss, (await run.run(0)).loss];
      expect(again).toEqual(first);
      expect(await run.values()).toEqual(after);
      expect(first[0]).not.toBe(first[1]);
    } finally {
      run.dispose();
    }
  });
});
