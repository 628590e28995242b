// The FP16 residual tail relu(round(round(y) + shortcut)) as one kernel (fp16AddRelu.ts) on WebGPU
// in Node (Dawn on SwiftShader): the values and gradients of the ops it replaces (roundHalf, add,
// roundHalf, relu; their straight-through gradients), bit for bit, NaN, ±Inf, −0, ties, overflow
// and subnormals included, in 1 dispatch each way instead of 4. Whole training steps: fp16Fused.test.ts.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { createRng } from '../rng';
import { roundHalf } from './fp16';
import { halfAddRelu } from './fp16AddRelu';
import { HALF_CASES, sampleValues } from '../../../test/support/halfReference';
import { useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const SHAPE: [number, number, number, number] = [2, 4, 4, 16];
const SIZE = 2 * 4 * 4 * 16;

/** Elements that differ as bit patterns (so −0 ≠ 0, and NaN = NaN). */
function mismatches(a: Float32Array, b: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

describe('FP16 residual tail kernel (WebGPU, custom kernels)', () => {
  it('gives the values and gradients of round, add, round, relu bit for bit, in 1 dispatch each way', async () => {
    await tf.setBackend('webgpu');
    const rng = createRng(11);
    const special = [...HALF_CASES.map(([x]) => x), NaN, Infinity, -Infinity, -0, 0, 65519, -65521];
    const yValues = sampleValues(SIZE, rng);
    special.forEach((v, i) => (yValues[i * 3] = v));
    // Shortcuts are halves (a block's output); some cancel y exactly, some are NaN or −0.
    const sValues = Float32Array.from(sampleValues(SIZE, rng), (v) => Math.fround(v));
    for (let i = 1; i < SIZE; i += 7) sValues[i] = -yValues[i];
    sValues[5] = NaN;
    sValues[8] = -0;
    const y = tf.tensor4d(yValues, SHAPE);
    const s = tf.tidy(() => roundHalf(tf.tensor4d(sValues, SHAPE)) as tf.Tensor4D);
    // Upstream gradients: ties, overflow past 65504, subnormals, NaN.
    const dValues = sampleValues(SIZE, rng);
    dValues[0] = NaN;
    const c = tf.tensor4d(dValues, SHAPE);
    const fused = halfAddRelu('custom');
    if (!fused) throw new Error('no fused tail with custom kernels on webgpu');
    const ops = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.relu(roundHalf(tf.add(roundHalf(a), b))) as tf.Tensor4D;
    try {
      const forward = (f: typeof ops) => {
        let out: tf.Tensor | null = null;
        const { total } = countDispatches(() => {
          out = f(y, s);
        });
        return { out: out as unknown as tf.Tensor, total };
      };
      const [ours, ref] = [forward(fused), forward(ops)];
      expect(mismatches(new Float32Array(await ours.out.data()), new Float32Array(await ref.out.data()))).toBe(0);
      expect([ours.total, ref.total]).toEqual([1, 4]);
      tf.dispose([ours.out, ref.out]);

      const grads = (f: typeof ops) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), c)))([y, s]);
      const [gOurs, gRef] = [grads(fused), grads(ops)];
      for (let i = 0; i < 2; i++) {
        expect(mismatches(new Float32Array(await gOurs[i].data()), new Float32Array(await gRef[i].data())), ['dy', 'dshortcut'][i]).toBe(0);
      }
      tf.dispose([...gOurs, ...gRef]);
      // Forward and backward together: 2 dispatches of ours where the ops take 8 (4 forward; 4
      // back: ReLU's step and product, two roundings); the product with c and the sum are common.
      const both = (f: typeof ops) =>
        countDispatches(() => {
          const g = tf.engine().gradients(() => tf.sum(tf.mul(f(y, s), c)) as tf.Scalar, [y, s]);
          tf.dispose([g.value, ...g.grads]);
        }).total;
      expect(both(ops) - both(fused)).toBe(6);
      expect(halfAddRelu('stock')).toBeNull();
    } finally {
      tf.dispose([y, s, c]);
    }
  });
});
