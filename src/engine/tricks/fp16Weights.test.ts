// Every weight rounded to half in one dispatch per pass (fp16Weights.ts) on WebGPU in Node (Dawn
// on SwiftShader): the same values and straight-through gradients as rounding each weight where
// it is used (roundHalf), bit for bit, in 1 dispatch each way instead of one per weight; and FP16
// training steps and evaluation with it give exactly the losses, weights and outputs of the
// per-use rounding, in 2·(weights − 1) fewer dispatches a step, holding nothing between steps.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { makeConfig } from '../config';
import { createModel, disposeModel, readWeights } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { createFp16Numerics, fp16, roundHalf } from './fp16';
import { roundWeightsAtOnce } from './fp16Weights';
import { createTrickStreams, resolveTricks } from './resolve';
import type { Trick } from './types';
import { HALF_CASES, sampleValues } from '../../../test/support/halfReference';
import { randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

/** Dispatches of the half-rounding program (shader key 'tricklab_round_half'). */
const roundings = (byProgram: Map<string, number>) => byProgram.get('tricklab') ?? 0;

describe('FP16 weights rounded all at once (WebGPU, custom kernels)', () => {
  it('gives the values and gradients of per-weight rounding, bit for bit, in 1 dispatch each way', async () => {
    await tf.setBackend('webgpu');
    const rng = createRng(7);
    // Shapes of a conv filter, a BatchNorm γ, a dense weight and a one-element bias.
    const shapes = [[3, 3, 4, 8], [8], [16, 10], [1]];
    const special = HALF_CASES.map(([x]) => x);
    const weights = shapes.map((shape, i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = i === 0 ? Float32Array.from({ length: n }, (_, j) => special[j % special.length]) : sampleValues(n, rng);
      return tf.variable(tf.tensor(values, shape));
    });
    // Gradient scales that need rounding too (ties, overflow past 65504, subnormals).
    const cs = shapes.map((shape) => tf.tensor(sampleValues(shape.reduce((a, b) => a * b, 1), rng), shape));
    const loss = (rounded: () => tf.Tensor[]) => () => tf.addN(rounded().map((r, i) => tf.sum(tf.mul(r, cs[i])))) as tf.Scalar;
    try {
      let batched: Map<tf.Tensor, tf.Tensor> | null = null;
      const ours = countDispatches(() => {
        batched = roundWeightsAtOnce(weights, 'custom');
      });
      expect(roundings(ours.byProgram)).toBe(1);
      const map = batched as unknown as Map<tf.Tensor, tf.Tensor>;
      for (const w of weights) {
        const ref = roundHalf(w);
        expect(await (map.get(w) as tf.Tensor).data(), `weight of shape ${w.shape}`).toEqual(await ref.data());
        tf.dispose([map.get(w) as tf.Tensor, ref]);
      }
      let gradsOurs: tf.NamedTensorMap = {};
      let gradsRef: tf.NamedTensorMap = {};
      const back = countDispatches(() => {
        gradsOurs = tf.variableGrads(loss(() => {
          const all = roundWeightsAtOnce(weights, 'custom') as Map<tf.Tensor, tf.Tensor>;
          return weights.map((w) => all.get(w) as tf.Tensor);
        })).grads;
      });
      const perUse = countDispatches(() => {
        gradsRef = tf.variableGrads(loss(() => weights.map((w) => roundHalf(w)))).grads;
      });
      for (const w of weights) expect(await gradsOurs[w.name].data(), `gradient of ${w.shape}`).toEqual(await gradsRef[w.name].data());
      expect([roundings(back.byProgram), roundings(perUse.byProgram)]).toEqual([2, 2 * weights.length]);
      tf.dispose([...Object.values(gradsOurs), ...Object.values(gradsRef)]);
      // Off the custom kernel set it declines, and layers round each weight where used.
      expect(roundWeightsAtOnce(weights, 'stock')).toBeNull();
    } finally {
      tf.dispose([...weights, ...cs]);
    }
  });

  it('trains and evaluates FP16 exactly as per-weight rounding, with fewer dispatches', async () => {
    await tf.setBackend('webgpu');
    const BATCH = 4;
    const SIZE = 8;
    const config = makeConfig({
      model: { depth: 8, widthMultiplier: 0.25 },
      data: { resolution: SIZE },
      optim: { batchSize: BATCH, nesterov: true },
      run: { kernels: 'custom' },
      tricks: { fp16: { enabled: true, params: { initialScale: 2 ** 10 } } },
    });
    // The same trick rounding each weight where a layer uses it.
    const perUse: Trick = {
      ...fp16,
      numerics: (p) => {
        const { roundWeights: _unused, ...rest } = createFp16Numerics(p);
        return rest;
      },
    };
    const build = (trick: Trick) => {
      const model = createModel(config.model, 10, createRng(3));
      const step = createTrainStep({ model, config, tricks: resolveTricks(config, [trick]), runtime: { config, numClasses: 10, streams: createTrickStreams(createRng(4)) } });
      return { model, step };
    };
    const ours = build(fp16);
    const ref = build(perUse);
    const x = tf.tensor4d(randomValues(createRng(10), BATCH * SIZE * SIZE * 3), [BATCH, SIZE, SIZE, 3]);
    const labels = tf.tensor1d([0, 3, 7, 9], 'int32');
    const targets = tf.tidy(() => tf.oneHot(labels, 10).toFloat() as tf.Tensor2D);
    try {
      const run = async (s: ReturnType<typeof build>) => {
        let loss: tf.Scalar | null = null;
        const { byProgram } = countDispatches(() => {
          const out = s.step.run({ x, targets }, 0.05);
          out.correct.dispose();
          loss = out.loss;
        });
        const value = (await (loss as unknown as tf.Scalar).data())[0];
        (loss as unknown as tf.Scalar).dispose();
        // Tensors and the backend's buffers (the kernel's flat copies are not tensors).
        return { loss: value, roundings: roundings(byProgram), held: [tf.memory().numTensors, tf.engine().backend.numDataIds()] };
      };
      const steps: Awaited<ReturnType<typeof run>>[][] = [];
      for (let i = 0; i < 4; i++) steps.push([await run(ours), await run(ref)]);
      // Nothing held back from one step to the next.
      expect(new Set(steps.slice(1).map(([a]) => a.held.join())).size).toBe(1);
      expect(steps.map(([a]) => a.loss)).toEqual(steps.map(([, b]) => b.loss));
      expect(await readWeights(ours.model)).toEqual(await readWeights(ref.model));
      const nWeights = ours.model.params.length;
      expect(steps.map(([a, b]) => b.roundings - a.roundings)).toEqual(steps.map(() => 2 * (nWeights - 1)));
      const evaluate = async (s: ReturnType<typeof build>) => {
        const out = s.step.evaluate(x, labels);
        const values = await Promise.all([out.lossSum.data(), out.top1.data(), out.top5.data()]);
        tf.dispose([out.lossSum, out.top1, out.top5]);
        return values;
      };
      expect(await evaluate(ours)).toEqual(await evaluate(ref));
    } finally {
      tf.dispose([x, labels, targets]);
      for (const s of [ours, ref]) {
        s.step.dispose();
        disposeModel(s.model);
      }
    }
  });
});
