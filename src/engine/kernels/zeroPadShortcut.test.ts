/**
 * The option-A shortcut (zeroPadShortcut: subsample by the stride, zero-pad the channels) on
 * WebGPU (Dawn + SwiftShader) against the same function on tfjs's CPU backend, where it is tf
 * ops (a 1×1 stride-s average pool, tf.pad) differentiated by tfjs: the output and the gradient
 * of a weighted sum of it, for ResNet-20's two downsampling shapes, odd image sizes (the last
 * row and column are kept), an odd channel split (⌊extra/2⌋ before) and stride 1. Both only
 * copy values, so they must agree exactly. Then: one pipeline per direction whatever the shape,
 * and the kernels a call runs with each kernel set.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ZERO_PAD_SHORTCUT_GRAD_KERNEL, ZERO_PAD_SHORTCUT_KERNEL, type KernelSet } from './registry';
import { zeroPadShortcut } from './zeroPadShortcut';
import { createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';

interface Case {
  name: string;
  shape: [number, number, number, number];
  stride: number;
  outC: number;
}

const CASES: Case[] = [
  { name: 'ResNet-20 stage 2: [4,32,32,16] → 32, stride 2', shape: [4, 32, 32, 16], stride: 2, outC: 32 },
  { name: 'ResNet-20 stage 3: [2,16,16,32] → 64, stride 2', shape: [2, 16, 16, 32], stride: 2, outC: 64 },
  { name: '[3,7,5,2] → 5: odd sizes, 1 zero channel before and 2 after', shape: [3, 7, 5, 2], stride: 2, outC: 5 },
  { name: '[1,6,6,3] → 4, stride 3', shape: [1, 6, 6, 3], stride: 3, outC: 4 },
  { name: '[2,3,3,4] → 8, stride 1 (padding only)', shape: [2, 3, 3, 4], stride: 1, outC: 8 },
];

useWebGPU();

/** Output and ∂/∂x of Σ r·output with one kernel set. */
function shortcut(c: Case, x: Float32Array, r: Float32Array, kernels: KernelSet): tf.Tensor[] {
  const xt = tf.tensor4d(x, c.shape);
  const y = zeroPadShortcut(xt, c.stride, c.outC, kernels);
  const rt = tf.tensor(r, y.shape);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(zeroPadShortcut(t as tf.Tensor4D, c.stride, c.outC, kernels), rt)))(xt);
  return [y, dx];
}

const outSize = (c: Case) => c.shape[0] * Math.ceil(c.shape[1] / c.stride) * Math.ceil(c.shape[2] / c.stride) * c.outC;

describe('zeroPadShortcut (option A)', () => {
  const rng = createRng(5);
  for (const c of CASES) {
    it(`${c.name}: output and dx equal tf ops exactly`, async () => {
      const x = randomValues(rng, c.shape.reduce((a, b) => a * b, 1));
      const r = randomValues(rng, outSize(c));
      const cpu = await runOn('cpu', () => shortcut(c, x, r, 'custom'));
      const gpu = await runOn('webgpu', () => shortcut(c, x, r, 'custom'));
      expect(gpu[0]).toEqual(cpu[0]);
      expect(gpu[1]).toEqual(cpu[1]);
      // Not vacuous: the kept pixels carry x, the gradient is r where a pixel was kept.
      expect(cpu[0].some((v) => v !== 0)).toBe(true);
      expect(cpu[1].some((v) => v !== 0)).toBe(true);
    });
  }

  it('compiles one pipeline per direction for every shape', async () => {
    await tf.setBackend('webgpu');
    const backend = tf.backend() as unknown as { recordAndSubmit: (p: { shaderKey: string }, ...rest: unknown[]) => unknown };
    const original = backend.recordAndSubmit;
    const keys = new Set<string>();
    backend.recordAndSubmit = function (this: unknown, program, ...rest) {
      if (program.shaderKey.startsWith('tlZeroPad')) keys.add(program.shaderKey);
      return original.call(this, program, ...rest);
    };
    try {
      for (const c of CASES) tf.tidy(() => shortcut(c, randomValues(rng, c.shape.reduce((a, b) => a * b, 1)), randomValues(rng, outSize(c)), 'custom'));
    } finally {
      backend.recordAndSubmit = original;
    }
    expect([...keys].map((k) => k.split('_')[0]).sort()).toEqual(['tlZeroPadShortcut', 'tlZeroPadShortcutGrad']);
  });

  it("runs our two kernels with the 'custom' set and tf ops with 'stock'", async () => {
    await tf.setBackend('webgpu');
    const c = CASES[2];
    const x = randomValues(rng, c.shape.reduce((a, b) => a * b, 1));
    const r = randomValues(rng, outSize(c));
    const names = async (kernels: KernelSet) => {
      const info = await tf.profile(() => tf.tidy(() => shortcut(c, x, r, kernels)));
      tf.dispose(info.result as tf.Tensor[]);
      return info.kernelNames;
    };
    const custom = await names('custom');
    expect(custom).toEqual(expect.arrayContaining([ZERO_PAD_SHORTCUT_KERNEL, ZERO_PAD_SHORTCUT_GRAD_KERNEL]));
    expect(custom.filter((n) => ['AvgPool', 'PadV2', 'AvgPoolGrad', 'Slice'].includes(n))).toEqual([]);
    const stock = await names('stock');
    expect(stock).toEqual(expect.arrayContaining(['AvgPool', 'PadV2']));
    expect(stock.filter((n) => n.startsWith('TrickLab'))).toEqual([]);
  });
});
