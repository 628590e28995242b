// The WGSL half-rounding kernel on WebGPU in Node (Dawn on SwiftShader): the hand-picked
// cases and the independent reference bit for bit, agreement with the tf-ops path on the same
// backend, that roundHalf dispatches our kernel there, its straight-through gradient, and
// one FP16 train step on WebGPU.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../../test/support/testEnv';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { fp16, roundHalf, roundHalfOps } from './fp16';
import { ROUND_HALF_KERNEL, roundHalfWebGPU } from './fp16Kernel';
import { HALF_CASES, halfReference, sampleValues } from '../../../test/support/halfReference';
import { createTrickStreams } from './resolve';
import { fixedBatch, NUM_CLASSES, tinyConfig, withTrick } from '../../../test/support/testHarness';

beforeAll(async () => {
  await startWebGPU();
});

const values = async (t: tf.Tensor): Promise<Float32Array> => {
  const v = new Float32Array(await t.data());
  t.dispose();
  return v;
};

describe('WGSL roundHalf kernel', () => {
  it('rounds the hand-picked cases exactly (ties to even, overflow past 65504, subnormals)', async () => {
    const x = tf.tensor1d(HALF_CASES.map(([v]) => v));
    const out = await values(roundHalfWebGPU(x));
    x.dispose();
    expect(Array.from(out)).toEqual(HALF_CASES.map(([, y]) => y));
  });

  it('passes NaN through and keeps the sign of zero', async () => {
    const x = tf.tensor1d([NaN, -0, -1e-30]);
    const out = await values(roundHalfWebGPU(x));
    x.dispose();
    expect(out[0]).toBeNaN();
    expect(Object.is(out[1], -0)).toBe(true);
    expect(Object.is(out[2], -0)).toBe(true);
  });

  it('matches the independent reference and the tf-ops path bit for bit on 20,000 values', async () => {
    const data = sampleValues(20_000, createRng(5));
    const x = tf.tensor2d(data, [100, 200]);
    const kernel = await values(roundHalfWebGPU(x));
    const ops = await values(roundHalfOps(x));
    x.dispose();
    const expected = Float32Array.from(data, halfReference);
    let vsReference = 0;
    let vsOps = 0;
    for (let i = 0; i < data.length; i++) {
      if (!Object.is(kernel[i], expected[i])) vsReference++;
      if (!Object.is(kernel[i], ops[i])) vsOps++;
    }
    expect({ vsReference, vsOps }).toEqual({ vsReference: 0, vsOps: 0 });
  });

  it('is what roundHalf dispatches on webgpu, with the straight-through gradient', async () => {
    const x = tf.tensor1d([0.1, 2.0001, -7]);
    const profile = await tf.profile(() => tf.tidy(() => roundHalf(x)));
    // Our kernel, not the tf-ops path (which would run Log, Floor, Round, ...).
    expect(profile.kernelNames).toContain(ROUND_HALF_KERNEL);
    expect(profile.kernelNames).not.toContain('Round');
    expect(profile.kernelNames).not.toContain('Log');
    const c = tf.tensor1d([3, 1 + 2 ** -11, 1e-8]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(roundHalf(t), c)))(x);
    expect(Array.from(await values(g))).toEqual([3, 1, 0]);
    tf.dispose([x, c]);
  });

  it('trains one FP16 step on webgpu: finite loss, no skip at scale 128', async () => {
    const config = withTrick(fp16, true, tinyConfig());
    config.tricks.fp16.params.initialScale = 128;
    const model = createModel(config.model, NUM_CLASSES, createRng(3));
    const step = createTrainStep({ model, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(createRng(4)) } });
    const batch = fixedBatch();
    const out = step.run(batch, 0.1);
    expect(Number.isFinite((await out.loss.data())[0])).toBe(true);
    expect((await step.skipped.data())[0]).toBe(0);
    tf.dispose([batch.x, batch.targets, out.loss, out.correct]);
    step.dispose();
    disposeModel(model);
  });
});
