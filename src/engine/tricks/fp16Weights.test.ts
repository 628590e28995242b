// Every weight rounded to half in one dispatch per pass (fp16Weights.ts) on WebGPU in Node (Dawn
// on SwiftShader): the same values and straight-through gradients as rounding each weight where
// it is used (roundHalf), bit for bit, in 1 dispatch each way instead of one per weight. Whole
// training steps with it: fp16Fused.test.ts.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { createRng } from '../rng';
import { roundHalf } from './fp16';
import { roundWeightsAtOnce } from './fp16Weights';
import { HALF_CASES, sampleValues } from '../../../test/support/halfReference';
import { useWebGPU } from '../../../test/support/testEnv';

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
});
