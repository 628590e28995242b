// FP16 emulation on the CPU backend: the tf-ops rounding against hand-picked cases and an
// independent reference, the straight-through gradient (and its own rounding), the dynamic
// loss scale, and a skipped step on overflow inside the real train step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, disposeModel, readWeights } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { createFp16Numerics, fp16, roundHalf, roundHalfOps } from './fp16';
import { HALF_CASES, halfReference, sampleValues } from '../../../test/support/halfReference';
import { createTrickStreams } from './resolve';
import { fixedBatch, NUM_CLASSES, tinyConfig, withTrick } from '../../../test/support/testHarness';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('roundHalfOps (tf ops, every backend)', () => {
  it('rounds the hand-picked cases exactly (ties to even, overflow past 65504, subnormals)', () => {
    const out = tf.tidy(() => roundHalfOps(tf.tensor1d(HALF_CASES.map(([x]) => x))).arraySync() as number[]);
    expect(out).toEqual(HALF_CASES.map(([, y]) => y));
  });

  it('passes NaN through and keeps the sign of zero', () => {
    const out = tf.tidy(() => roundHalfOps(tf.tensor1d([NaN, -0, -1e-30])).arraySync() as number[]);
    expect(out[0]).toBeNaN();
    expect(Object.is(out[1], -0)).toBe(true);
    expect(Object.is(out[2], -0)).toBe(true);
  });

  it('matches the independent reference bit for bit on 20,000 values, a quarter of them exact ties', () => {
    const x = sampleValues(20_000, createRng(5));
    const out = tf.tidy(() => roundHalfOps(tf.tensor1d(x)).dataSync());
    const expected = Float32Array.from(x, halfReference);
    let mismatches = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(out[i], expected[i])) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('roundHalf (straight-through)', () => {
  it('has derivative 1, and rounds the gradient that flows through it', () => {
    // d/dx Σ c·roundHalf(x) = round(c): 3 stays, 1 + 2^-11 rounds to 1, 1e-8 underflows to 0.
    const c = tf.tensor1d([3, 1 + 2 ** -11, 1e-8]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(roundHalf(x), c)))(tf.tensor1d([0.1, 2.0001, -7]));
    expect(Array.from(g.dataSync())).toEqual([3, 1, 0]);
    tf.dispose([c, g]);
  });
});

describe('dynamic loss scale', () => {
  /** The numerics with a skipped counter, updated through the tf-op path; each step returns [scale, skipped]. */
  function scaler(initialScale: number, growthInterval: number) {
    const n = createFp16Numerics({ initialScale, growthInterval });
    const skipped = tf.variable(tf.scalar(0), false);
    return {
      n,
      step(finite: boolean): [number, number] {
        tf.tidy(() => n.update(tf.scalar(finite, 'bool'), skipped, 'stock'));
        return [n.scale.dataSync()[0], skipped.dataSync()[0]];
      },
      dispose() {
        n.dispose();
        skipped.dispose();
      },
    };
  }

  it('halves on overflow, doubles after N clean steps, resets the count on overflow; counts skipped steps', () => {
    const s = scaler(1024, 3);
    expect(s.n.scale.dataSync()[0]).toBe(1024);
    expect(s.step(false)).toEqual([512, 1]);
    expect(s.step(true)).toEqual([512, 1]);
    expect(s.step(true)).toEqual([512, 1]);
    expect(s.step(false)).toEqual([256, 2]); // two clean steps, then an overflow: count back to 0
    expect([s.step(true), s.step(true), s.step(true)].map(([scale]) => scale)).toEqual([256, 256, 512]);
    expect([s.step(true), s.step(true), s.step(true)].map(([scale]) => scale)).toEqual([512, 512, 1024]);
    expect(s.n.state?.map((v) => v.dataSync()[0])).toEqual([1024, 0]);
    s.dispose();
  });

  it('never falls below 1 nor grows past 2^24', () => {
    const low = scaler(2, 10);
    for (let i = 0; i < 3; i++) low.step(false);
    expect(low.n.scale.dataSync()[0]).toBe(1);
    low.dispose();
    const high = scaler(2 ** 23, 1);
    expect([high.step(true), high.step(true)]).toEqual([[2 ** 24, 0], [2 ** 24, 0]]);
    high.dispose();
  });

  it('skips the step and halves the scale when the scaled gradients overflow half', async () => {
    // Scale 2^24: the scaled gradient of the logits (~0.1 each) is far beyond 65504.
    const config = withTrick(fp16, true, tinyConfig());
    config.tricks.fp16.params.initialScale = 2 ** 24;
    const model = createModel(config.model, NUM_CLASSES, createRng(3));
    const before = await readWeights(model);
    const step = createTrainStep({ model, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(createRng(4)) } });
    const batch = fixedBatch();
    const out = step.run(batch, 0.1);
    const after = await readWeights(model);
    // Weights unchanged (BatchNorm running averages, the buffers at the end, do update).
    const nParams = model.params.length;
    expect(after.slice(0, nParams)).toEqual(before.slice(0, nParams));
    expect(step.skipped.dataSync()[0]).toBe(1);
    // A second step at 2^23 overflows too: the scale keeps halving until the gradients fit.
    const out2 = step.run(batch, 0.1);
    expect(step.skipped.dataSync()[0]).toBe(2);
    tf.dispose([batch.x, batch.targets, out.loss, out.correct, out2.loss, out2.correct]);
    step.dispose();
    disposeModel(model);
  });

  it('takes the step at a scale that fits: weights change, nothing skipped', async () => {
    const config = withTrick(fp16, true, tinyConfig());
    config.tricks.fp16.params.initialScale = 128;
    const model = createModel(config.model, NUM_CLASSES, createRng(3));
    const before = await readWeights(model);
    const step = createTrainStep({ model, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(createRng(4)) } });
    const batch = fixedBatch();
    const out = step.run(batch, 0.1);
    const after = await readWeights(model);
    expect(after[0]).not.toEqual(before[0]);
    expect(step.skipped.dataSync()[0]).toBe(0);
    expect(Number.isFinite(out.loss.dataSync()[0])).toBe(true);
    tf.dispose([batch.x, batch.targets, out.loss, out.correct]);
    step.dispose();
    disposeModel(model);
  });
});
