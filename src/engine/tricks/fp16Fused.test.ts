// FP16 training steps and evaluation on WebGPU in Node (Dawn on SwiftShader) with the 'custom'
// kernels, with each of FP16's fused paths (every weight rounded at once: fp16Weights.ts; the
// residual tail in one kernel: fp16AddRelu.ts) against the same trick without it: the same
// losses, weights and evaluation bit for bit, the dispatches each saves a step, and nothing held
// from one step to the next.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { makeConfig, type ExperimentConfig } from '../config';
import { createModel, disposeModel, readWeights } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { createFp16Numerics, fp16 } from './fp16';
import { createTrickStreams, resolveTricks } from './resolve';
import type { Numerics, Trick } from './types';
import { randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const BATCH = 4;
const SIZE = 8;
/** ResNet-8: 3 residual blocks, one per stage. */
const BLOCKS = 3;

function configFor(shortcut: ExperimentConfig['model']['shortcut']): ExperimentConfig {
  return makeConfig({
    model: { depth: 8, widthMultiplier: 0.25, shortcut },
    data: { resolution: SIZE },
    optim: { batchSize: BATCH, nesterov: true },
    run: { kernels: 'custom' },
    tricks: { fp16: { enabled: true, params: { initialScale: 2 ** 10 } } },
  });
}

/** FP16 without one of its fused paths: each weight rounded where used, or the tail as separate ops. */
function without(path: 'roundWeights' | 'addRelu'): Trick {
  return {
    ...fp16,
    numerics: (p) => {
      const n: Numerics = { ...createFp16Numerics(p) };
      delete n[path];
      return n;
    },
  };
}

function build(config: ExperimentConfig, trick: Trick) {
  const model = createModel(config.model, 10, createRng(3));
  const step = createTrainStep({ model, config, tricks: resolveTricks(config, [trick]), runtime: { config, numClasses: 10, streams: createTrickStreams(createRng(4)) } });
  return { model, step };
}

describe("FP16's fused paths on WebGPU with 'custom' kernels", () => {
  const cases = [
    { path: 'roundWeights', shortcut: 'zero-pad', saved: (weights: number) => 2 * (weights - 1) },
    { path: 'addRelu', shortcut: 'zero-pad', saved: () => 6 * BLOCKS },
    { path: 'addRelu', shortcut: 'projection', saved: () => 6 * BLOCKS },
  ] as const;
  it.each(cases)('$path (shortcut $shortcut): same losses, weights and evaluation as without it, in fewer dispatches', async ({ path, shortcut, saved }) => {
    await tf.setBackend('webgpu');
    const config = configFor(shortcut);
    const ours = build(config, fp16);
    const ref = build(config, without(path));
    const x = tf.tensor4d(randomValues(createRng(10), BATCH * SIZE * SIZE * 3), [BATCH, SIZE, SIZE, 3]);
    const labels = tf.tensor1d([0, 3, 7, 9], 'int32');
    const targets = tf.tidy(() => tf.oneHot(labels, 10).toFloat() as tf.Tensor2D);
    try {
      const run = async (s: ReturnType<typeof build>) => {
        let loss: tf.Scalar | null = null;
        const { total } = countDispatches(() => {
          const out = s.step.run({ x, targets }, 0.05);
          out.correct.dispose();
          loss = out.loss;
        });
        const value = (await (loss as unknown as tf.Scalar).data())[0];
        (loss as unknown as tf.Scalar).dispose();
        // Tensors, and the backend's buffers (the weights kernel's flat copies are not tensors).
        return { loss: value, dispatches: total, held: [tf.memory().numTensors, tf.engine().backend.numDataIds()].join() };
      };
      const steps: Awaited<ReturnType<typeof run>>[][] = [];
      for (let i = 0; i < 4; i++) steps.push([await run(ours), await run(ref)]);
      expect(steps.map(([a]) => a.loss)).toEqual(steps.map(([, b]) => b.loss));
      expect(await readWeights(ours.model)).toEqual(await readWeights(ref.model));
      const evaluate = async (s: ReturnType<typeof build>) => {
        const out = s.step.evaluate(x, labels);
        const values = await Promise.all([out.lossSum.data(), out.top1.data(), out.top5.data()]);
        tf.dispose([out.lossSum, out.top1, out.top5]);
        return values;
      };
      expect(await evaluate(ours)).toEqual(await evaluate(ref));
      const expected = saved(ours.model.params.length);
      expect(steps.map(([a, b]) => b.dispatches - a.dispatches)).toEqual(steps.map(() => expected));
      // Nothing held back from one step to the next.
      expect(new Set(steps.slice(1).map(([a]) => a.held)).size).toBe(1);
    } finally {
      tf.dispose([x, labels, targets]);
      for (const s of [ours, ref]) {
        s.step.dispose();
        disposeModel(s.model);
      }
    }
  });
});
