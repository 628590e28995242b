/**
 * The kernel set travels with the run: two training steps built from configs with different
 * `run.kernels`, stepped in turn on the same backend, each dispatch their own kernels (ours by
 * name for 'custom', tfjs's for 'stock') whatever was built or run before, and give the same
 * losses on the same seeded network and batch.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../config';
import type { KernelSet } from '../kernels/registry';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrickStreams } from '../tricks/resolve';
import { createTrainStep } from './step';
import { randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const BATCH = 4;
const SIZE = 8;

function build(kernels: KernelSet) {
  const config: ExperimentConfig = makeConfig({ model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: SIZE }, optim: { batchSize: BATCH }, run: { kernels } });
  const model = createModel(config.model, 10, createRng(3));
  const step = createTrainStep({ model, config, runtime: { config, numClasses: 10, streams: createTrickStreams(createRng(4)) } });
  const xv = randomValues(createRng(5), BATCH * SIZE * SIZE * 3);
  return {
    /** One step on the fixed batch under tf.profile: its loss and the kernels it ran. */
    async step(): Promise<{ loss: number; kernels: Set<string> }> {
      let loss: tf.Scalar | null = null;
      const profile = await tf.profile(() => {
        tf.tidy(() => {
          const x = tf.tensor4d(xv, [BATCH, SIZE, SIZE, 3]);
          const targets = tf.oneHot(tf.tensor1d([0, 3, 7, 9], 'int32'), 10).toFloat() as tf.Tensor2D;
          const out = step.run({ x, targets }, 0.1);
          loss = out.loss;
          out.correct.dispose();
        });
      });
      const value = (await (loss as unknown as tf.Scalar).data())[0];
      (loss as unknown as tf.Scalar).dispose();
      return { loss: value, kernels: new Set(profile.kernelNames) };
    },
    dispose() {
      step.dispose();
      disposeModel(model);
    },
  };
}

const ours = (names: Set<string>) => [...names].filter((n) => n.startsWith('TrickLab')).sort();
const OURS = [
  'TrickLabBatchNormApply', 'TrickLabBatchNormGrad', 'TrickLabConv2D', 'TrickLabConv2DBackpropFilter', 'TrickLabConv2DBackpropInput',
  'TrickLabCrossEntropyAndCorrect', 'TrickLabCrossEntropyGrad', 'TrickLabPoolDense', 'TrickLabPoolDenseInputGrad',
  'TrickLabPoolDenseParamGrad', 'TrickLabRunningAverageArena', 'TrickLabSgdArena', 'TrickLabZeroPadShortcutGrad', 'TrickLabZeroPadShortcutTee',
];

describe('kernel set per run', () => {
  it("a 'stock' step built and run after a 'custom' one runs tfjs's kernels, and the other way round", async () => {
    const custom = build('custom');
    const stock = build('stock');
    try {
      const c1 = await custom.step();
      const s1 = await stock.step();
      const c2 = await custom.step();
      const s2 = await stock.step();
      for (const c of [c1, c2]) {
        expect(ours(c.kernels)).toEqual(OURS);
        expect(c.kernels.has('Conv2DBackpropFilter')).toBe(false);
        expect(c.kernels.has('Conv2DBackpropInput')).toBe(false);
      }
      for (const s of [s1, s2]) {
        expect(ours(s.kernels)).toEqual([]);
        expect(s.kernels.has('Conv2DBackpropFilter')).toBe(true);
        expect(s.kernels.has('Conv2DBackpropInput')).toBe(true);
        expect(s.kernels.has('FusedBatchNorm')).toBe(true);
      }
      // Same seeded network and batch: the same losses, step by step (fp32 sums in other orders).
      expect(Math.abs(c1.loss - s1.loss)).toBeLessThan(1e-4 * Math.max(1, s1.loss));
      expect(Math.abs(c2.loss - s2.loss)).toBeLessThan(1e-4 * Math.max(1, s2.loss));
      expect(c1.loss).not.toBe(c2.loss);
    } finally {
      custom.dispose();
      stock.dispose();
    }
  });
});
