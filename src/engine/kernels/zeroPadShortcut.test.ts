/**
 * The option-A shortcut (zeroPadShortcut: subsample by the stride, zero-pad the channels) on
 * WebGPU (Dawn + SwiftShader) against the same function on tfjs's CPU backend, where it is tf
 * ops (a 1×1 stride-s average pool, tf.pad) differentiated by tfjs: the output and the gradient
 * of a weighted sum of it, for ResNet-20's two downsampling shapes, odd image sizes (the last
 * row and column are kept), an odd channel split (⌊extra/2⌋ before) and stride 1. Both only
 * copy values, so they must agree exactly. The tee (x passed through for the block's conv, and
 * the shortcut) with its gradient summing both consumers' (exact too: one addition either way).
 * Then: one pipeline per program whatever the shape, and the kernels a call runs with each set.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ZERO_PAD_SHORTCUT_GRAD_KERNEL, ZERO_PAD_SHORTCUT_KERNEL, ZERO_PAD_SHORTCUT_TEE_KERNEL, type KernelSet } from './registry';
import { zeroPadShortcut, zeroPadShortcutTee } from './zeroPadShortcut';
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

  for (const c of CASES.slice(1, 4)) {
    it(`${c.name}, tee: [x, shortcut] and dx of both consumers equal tf ops exactly, no tensor left`, async () => {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const x = randomValues(rng, size);
      const r1 = randomValues(rng, size);
      const r2 = randomValues(rng, outSize(c));
      const tee = (kernels: KernelSet) => () => {
        const xt = tf.tensor4d(x, c.shape);
        const [pass, sc] = zeroPadShortcutTee(xt, c.stride, c.outC, kernels);
        const loss = (t: tf.Tensor) => {
          const [a, s] = zeroPadShortcutTee(t as tf.Tensor4D, c.stride, c.outC, kernels);
          return tf.add(tf.sum(tf.mul(a, tf.tensor(r1, a.shape))), tf.sum(tf.mul(s, tf.tensor(r2, s.shape))));
        };
        return [pass, sc, tf.grad(loss)(xt)];
      };
      const cpu = await runOn('cpu', tee('stock'));
      await tf.setBackend('webgpu');
      const before = tf.memory();
      const gpu = await runOn('webgpu', tee('custom'));
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
      expect(gpu[0]).toEqual(x);
      for (let i = 0; i < 3; i++) expect(gpu[i]).toEqual(cpu[i]);
      // Both consumers reach dx: r1 everywhere, plus r2 on the kept pixels.
      expect(cpu[2]).not.toEqual(r1);
    });
  }

  it('compiles one pipeline per program for every shape', async () => {
    await tf.setBackend('webgpu');
    const backend = tf.backend() as unknown as { recordAndSubmit: (p: { shaderKey: string }, ...rest: unknown[]) => unknown };
    const original = backend.recordAndSubmit;
    const keys = new Set<string>();
    backend.recordAndSubmit = function (this: unknown, program, ...rest) {
      if (program.shaderKey.startsWith('tlZeroPad')) keys.add(program.shaderKey);
      return original.call(this, program, ...rest);
    };
    try {
      for (const c of CASES) {
        const x = tf.tensor4d(randomValues(rng, c.shape.reduce((a, b) => a * b, 1)), c.shape);
        tf.tidy(() => shortcut(c, x.dataSync() as Float32Array, randomValues(rng, outSize(c)), 'custom'));
        tf.tidy(() => tf.grad((t: tf.Tensor) => tf.addN(zeroPadShortcutTee(t as tf.Tensor4D, c.stride, c.outC, 'custom').map((o) => tf.sum(tf.square(o)))))(x));
        x.dispose();
      }
    } finally {
      backend.recordAndSubmit = original;
    }
    expect([...keys].map((k) => k.split('_')[0]).sort()).toEqual(['tlZeroPadShortcut', 'tlZeroPadShortcutGrad', 'tlZeroPadShortcutGradAdd']);
  });

  it("runs our kernels with the 'custom' set and tf ops with 'stock'", async () => {
    await tf.setBackend('webgpu');
    const c = CASES[2];
    const x = randomValues(rng, c.shape.reduce((a, b) => a * b, 1));
    const r = randomValues(rng, outSize(c));
    const names = async (kernels: KernelSet) => {
      const teeGrad = () => tf.grad((t: tf.Tensor) => tf.sum(zeroPadShortcutTee(t as tf.Tensor4D, c.stride, c.outC, kernels)[1]))(tf.tensor4d(x, c.shape));
      const info = await tf.profile(() => tf.tidy(() => [...shortcut(c, x, r, kernels), teeGrad()]));
      tf.dispose(info.result as tf.Tensor[]);
      return info.kernelNames;
    };
    const custom = await names('custom');
    expect(custom).toEqual(expect.arrayContaining([ZERO_PAD_SHORTCUT_KERNEL, ZERO_PAD_SHORTCUT_GRAD_KERNEL, ZERO_PAD_SHORTCUT_TEE_KERNEL]));
    expect(custom.filter((n) => ['AvgPool', 'PadV2', 'AvgPoolGrad', 'Slice'].includes(n))).toEqual([]);
    const stock = await names('stock');
    expect(stock).toEqual(expect.arrayContaining(['AvgPool', 'PadV2']));
    expect(stock.filter((n) => n.startsWith('TrickLab'))).toEqual([]);
  });
});
