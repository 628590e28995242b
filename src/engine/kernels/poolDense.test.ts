/**
 * The fused classifier head (poolDense: global average pool + dense) on WebGPU (Dawn +
 * SwiftShader) against the same function on tfjs's CPU backend, where it is tf ops (mean,
 * matMul, add) differentiated by tfjs: the logits, and the gradients for x, w and b of a weighted
 * sum of them, on shapes that cross the kernels' 64-wide chunks (channels, batch rows, classes),
 * a 1×1 image and batch 1. Then: one pipeline per program whatever the shape, and the kernels a
 * call runs with each kernel set.
 * Error bound: |ours − cpu| ≤ 1e-5 + 1e-4·|cpu| (fp32 sums of at most 4,096 terms in another
 * order).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { poolDense } from './poolDense';
import { POOL_DENSE_INPUT_GRAD_KERNEL, POOL_DENSE_KERNEL, POOL_DENSE_PARAM_GRAD_KERNEL, type KernelSet } from './registry';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';

interface Case {
  name: string;
  /** x's [N, H, W, C] and the class count K. */
  shape: [number, number, number, number];
  K: number;
}

const CASES: Case[] = [
  { name: 'ResNet-20 head at batch 8: [8,8,8,64] → 10', shape: [8, 8, 8, 64], K: 10 },
  { name: '[3,5,7,6] → 10, odd sizes', shape: [3, 5, 7, 6], K: 10 },
  { name: '[70,2,2,130] → 100: three channel chunks, two row chunks, two class strides', shape: [70, 2, 2, 130], K: 100 },
  { name: '[1,1,1,3] → 2: batch 1, a 1×1 image', shape: [1, 1, 1, 3], K: 2 },
];

useWebGPU();

/** Logits, and ∂/∂(x, w, b) of Σ r·logits, with one kernel set. */
function head(c: Case, values: { x: Float32Array; w: Float32Array; b: Float32Array; r: Float32Array }, kernels: KernelSet): tf.Tensor[] {
  const [N, , , C] = c.shape;
  const x = tf.tensor4d(values.x, c.shape);
  const w = tf.tensor2d(values.w, [C, c.K]);
  const b = tf.tensor1d(values.b);
  const r = tf.tensor2d(values.r, [N, c.K]);
  const f = (xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(poolDense(xt as tf.Tensor4D, wt as tf.Tensor2D, bt as tf.Tensor1D, kernels), r));
  return [poolDense(x, w, b, kernels), ...tf.grads(f)([x, w, b])];
}

describe('poolDense (global average pool + dense)', () => {
  const rng = createRng(21);
  for (const c of CASES) {
    it(`${c.name}: logits and dx, dw, db match tf ops`, async () => {
      const [N, H, W, C] = c.shape;
      const values = {
        x: randomValues(rng, N * H * W * C, 1, 0.5),
        w: randomValues(rng, C * c.K, 0.3),
        b: randomValues(rng, c.K, 0.1),
        r: randomValues(rng, N * c.K),
      };
      const cpu = await runOn('cpu', () => head(c, values, 'custom'));
      const gpu = await runOn('webgpu', () => head(c, values, 'custom'));
      ['logits', 'dx', 'dw', 'db'].forEach((name, i) => {
        const { worst, maxAbs } = compare(gpu[i], cpu[i], 1e-5, 1e-4);
        expect(worst, `${name}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
      });
    });
  }

  it('compiles one pipeline per program for every shape and class count', async () => {
    await tf.setBackend('webgpu');
    const backend = tf.backend() as unknown as { recordAndSubmit: (p: { shaderKey: string }, ...rest: unknown[]) => unknown };
    const original = backend.recordAndSubmit;
    const keys = new Set<string>();
    backend.recordAndSubmit = function (this: unknown, program, ...rest) {
      if (program.shaderKey.startsWith('tlPoolDense')) keys.add(program.shaderKey);
      return original.call(this, program, ...rest);
    };
    try {
      for (const c of CASES) {
        const [N, H, W, C] = c.shape;
        tf.tidy(() => head(c, { x: randomValues(rng, N * H * W * C), w: randomValues(rng, C * c.K), b: randomValues(rng, c.K), r: randomValues(rng, N * c.K) }, 'custom'));
      }
    } finally {
      backend.recordAndSubmit = original;
    }
    expect([...keys].map((k) => k.split('_')[0]).sort()).toEqual(['tlPoolDense', 'tlPoolDenseInputGrad', 'tlPoolDenseParamGrad']);
  });

  it("runs our three kernels with the 'custom' set and tf ops with 'stock'", async () => {
    await tf.setBackend('webgpu');
    const c = CASES[1];
    const [N, H, W, C] = c.shape;
    const values = { x: randomValues(rng, N * H * W * C), w: randomValues(rng, C * c.K), b: randomValues(rng, c.K), r: randomValues(rng, N * c.K) };
    const names = async (kernels: KernelSet) => {
      const info = await tf.profile(() => tf.tidy(() => head(c, values, kernels)));
      tf.dispose(info.result as tf.Tensor[]);
      return info.kernelNames;
    };
    const custom = await names('custom');
    expect(custom).toEqual(expect.arrayContaining([POOL_DENSE_KERNEL, POOL_DENSE_INPUT_GRAD_KERNEL, POOL_DENSE_PARAM_GRAD_KERNEL]));
    expect(custom.filter((n) => ['Mean', 'BatchMatMul', 'Transpose'].includes(n))).toEqual([]);
    const stock = await names('stock');
    expect(stock).toEqual(expect.arrayContaining(['Mean', 'BatchMatMul']));
    expect(stock.filter((n) => n.startsWith('TrickLab'))).toEqual([]);
  });
});
