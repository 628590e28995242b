/**
 * fusedBatchNorm: our WebGPU kernels (Dawn + SwiftShader) against the same function on tfjs's
 * CPU backend, where it is plain tf ops (moments, batchNorm, relu) differentiated by tfjs.
 * Forward y, batch mean and biased variance, and the gradients for x, γ and β of a weighted
 * sum of y, with and without the fused ReLU, on odd shapes, batch 1, channel counts not a
 * multiple of 4 or over one 64-channel block, the most row slices, and activations with
 * |mean| ≫ std (the variance must not cancel); and how many dispatches each direction takes.
 * Error bound: |ours − cpu| ≤ 1e-4 + 1e-4·|cpu| (fp32 sums over at most 262,144 rows).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fusedBatchNorm } from './fusedBatchNorm';
import { setAdapterClass } from './program';
import { BN_APPLY_KERNEL, BN_GRAD_KERNEL, usesCustomKernels } from './registry';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';

interface Case {
  name: string;
  shape: [number, number, number, number];
  relu: boolean;
  /** Activations are offset + scale·N(0, 1). */
  offset: number;
  scale: number;
}

const CASES: Case[] = [
  { name: '[2,5,5,3], no ReLU', shape: [2, 5, 5, 3], relu: false, offset: 0.5, scale: 2 },
  { name: '[1,7,7,6] batch 1, ReLU', shape: [1, 7, 7, 6], relu: true, offset: 0, scale: 1 },
  { name: '[3,4,4,16], ReLU', shape: [3, 4, 4, 16], relu: true, offset: -0.3, scale: 1 },
  { name: '[2,9,9,5] mean 100 ≫ std 0.5', shape: [2, 9, 9, 5], relu: false, offset: 100, scale: 0.5 },
  { name: '[16,16,16,4] many rows (sliced reduction), ReLU', shape: [16, 16, 16, 4], relu: true, offset: 1, scale: 1 },
  { name: '[3,6,6,80] two channel blocks (64 + 16), no ReLU', shape: [3, 6, 6, 80], relu: false, offset: -1, scale: 3 },
  { name: '[8,24,24,64] 72 row slices (> 64 finalize lanes), ReLU', shape: [8, 24, 24, 64], relu: true, offset: 0.2, scale: 1 },
  // The sweeps sum the partials over 256 / cb lanes: here 64 lanes over the most slices (256).
  { name: '[64,64,64,3] 256 row slices, 64 lanes, mean 3 ≫ std 0.5, ReLU', shape: [64, 64, 64, 3], relu: true, offset: 3, scale: 0.5 },
];

useWebGPU();

describe('fusedBatchNorm', () => {
  it("runs our kernels with the 'custom' set on webgpu only", async () => {
    expect(usesCustomKernels('custom')).toBe(true);
    expect(usesCustomKernels('stock')).toBe(false);
    await tf.setBackend('cpu');
    expect(usesCustomKernels('custom')).toBe(false);
    await tf.setBackend('webgpu');
  });

  const rng = createRng(7);
  // Three shapes also with SwiftShader's few row slices; all with a GPU's many.
  const runs = [...CASES.map((c) => [c, 'gpu'] as const), ...CASES.slice(-4, -1).map((c) => [c, 'cpu'] as const)];
  for (const [c, adapter] of runs) {
    it(`${c.name} (${adapter} split): y, mean, variance and dx, dγ, dβ match tf ops`, async () => {
      setAdapterClass(adapter);
      const [n, h, w, ch] = c.shape;
      const size = n * h * w * ch;
      const xv = randomValues(rng, size, c.scale, c.offset);
      const gv = randomValues(rng, ch, 0.5, 1);
      const bv = randomValues(rng, ch, 0.5, 0.1);
      const wv = randomValues(rng, size);
      const run = () => {
        const x = tf.tensor4d(xv, c.shape);
        const gamma = tf.tensor1d(gv);
        const beta = tf.tensor1d(bv);
        const weights = tf.tensor4d(wv, c.shape);
        const out = fusedBatchNorm(x, gamma, beta, { epsilon: 1e-5, training: true, relu: c.relu, kernels: 'custom' });
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => {
          const { y } = fusedBatchNorm(a as tf.Tensor4D, b as tf.Tensor1D, d as tf.Tensor1D, { epsilon: 1e-5, training: true, relu: c.relu, kernels: 'custom' });
          return tf.sum(tf.mul(y, weights));
        })([x, gamma, beta]);
        return [out.y, out.mean, out.variance, ...grads];
      };
      const ref = await runOn('cpu', run);
      const ours = await runOn('webgpu', run);
      const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
      names.forEach((name, i) => {
        const { worst, maxAbs } = compare(ours[i], ref[i], 1e-4, 1e-4);
        expect(worst, `${name}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
      });
      expect(ours[2][0]).toBeGreaterThan(0.1 * c.scale * c.scale);
    });
  }

  // A residual block's tail, ReLU(BN(x) + shortcut), as one kernel: y and the gradients of x, γ,
  // β and the shortcut against tf ops (batchNorm, add, relu) on the CPU.
  const shortcutCases: [Case, 'gpu' | 'cpu'][] = [
    [{ name: '[2,6,6,5]', shape: [2, 6, 6, 5], relu: true, offset: 0.3, scale: 1 }, 'gpu'],
    [{ name: '[8,12,12,16]', shape: [8, 12, 12, 16], relu: true, offset: -0.5, scale: 2 }, 'gpu'],
    [{ name: '[8,12,12,16]', shape: [8, 12, 12, 16], relu: true, offset: -0.5, scale: 2 }, 'cpu'],
  ];
  for (const [c, adapter] of shortcutCases) {
    it(`${c.name} + shortcut, ReLU (${adapter} split): y and dx, dγ, dβ, dshortcut match tf ops`, async () => {
      setAdapterClass(adapter);
      const [, , , ch] = c.shape;
      const size = c.shape.reduce((a, b) => a * b, 1);
      const xv = randomValues(rng, size, c.scale, c.offset);
      const sv = randomValues(rng, size);
      const gv = randomValues(rng, ch, 0.5, 1);
      const bv = randomValues(rng, ch, 0.5, 0.1);
      const wv = randomValues(rng, size);
      const run = () => {
        const [x, shortcut, weights] = [xv, sv, wv].map((v) => tf.tensor4d(v, c.shape));
        const f = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor, s: tf.Tensor) =>
          fusedBatchNorm(a as tf.Tensor4D, b as tf.Tensor1D, d as tf.Tensor1D, { epsilon: 1e-5, training: true, relu: true, shortcut: s as tf.Tensor4D, kernels: 'custom' }).y;
        const y = f(x, tf.tensor1d(gv), tf.tensor1d(bv), shortcut);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(f(a, b, d, s), weights)))([x, tf.tensor1d(gv), tf.tensor1d(bv), shortcut]);
        return [y, ...grads];
      };
      const ref = await runOn('cpu', run);
      const ours = await runOn('webgpu', run);
      ['y', 'dx', 'dgamma', 'dbeta', 'dshortcut'].forEach((name, i) => {
        const { worst, maxAbs } = compare(ours[i], ref[i], 1e-4, 1e-4);
        expect(worst, `${name}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
      });
      // Both sides of the ReLU occur: some outputs are cut to 0, some pass.
      expect(ref[0].some((v) => v === 0) && ref[0].some((v) => v > 0)).toBe(true);
    });
  }

  // A tee: y read by two consumers (a block input: its conv and its identity shortcut) as y and
  // `second`, whose gradients the BN's backward pass sums, with and without a fused shortcut.
  const teeCases: [Case, boolean, 'gpu' | 'cpu'][] = [
    [{ name: '[2,6,6,5]', shape: [2, 6, 6, 5], relu: true, offset: 0.3, scale: 1 }, false, 'gpu'],
    [{ name: '[8,12,12,16]', shape: [8, 12, 12, 16], relu: true, offset: -0.5, scale: 2 }, true, 'gpu'],
    [{ name: '[8,12,12,16]', shape: [8, 12, 12, 16], relu: true, offset: -0.5, scale: 2 }, true, 'cpu'],
  ];
  for (const [c, withShortcut, adapter] of teeCases) {
    it(`${c.name} tee${withShortcut ? ' + shortcut' : ''}, ReLU (${adapter} split): two consumers' gradients match tf ops`, async () => {
      setAdapterClass(adapter);
      const [, , , ch] = c.shape;
      const size = c.shape.reduce((a, b) => a * b, 1);
      const values = [c.scale, 1, 1, 1].map((scale, i) => randomValues(rng, size, scale, i === 0 ? c.offset : 0));
      const gv = randomValues(rng, ch, 0.5, 1);
      const bv = randomValues(rng, ch, 0.5, 0.1);
      const run = () => {
        const [x, shortcut, w1, w2] = values.map((v) => tf.tensor4d(v, c.shape));
        const loss = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor, s?: tf.Tensor) => {
          const out = fusedBatchNorm(a as tf.Tensor4D, b as tf.Tensor1D, d as tf.Tensor1D, {
            epsilon: 1e-5, training: true, relu: true, tee: true, shortcut: s as tf.Tensor4D | undefined, kernels: 'custom',
          });
          if (!out.second) throw new Error('no second handle');
          // The second consumer squares its input, so its gradient differs from the first's.
          return tf.add(tf.sum(tf.mul(out.y, w1)), tf.sum(tf.mul(tf.square(out.second), w2)));
        };
        const params = [x, tf.tensor1d(gv), tf.tensor1d(bv)];
        if (withShortcut) return tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor, s: tf.Tensor) => loss(a, b, d, s))([...params, shortcut]);
        return tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => loss(a, b, d))(params);
      };
      const ref = await runOn('cpu', run);
      const ours = await runOn('webgpu', run);
      ['dx', 'dgamma', 'dbeta', 'dshortcut'].slice(0, ref.length).forEach((name, i) => {
        const { worst, maxAbs } = compare(ours[i], ref[i], 1e-4, 1e-4);
        expect(worst, `${name}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
      });
    });
  }

  it('a tee is y under a second handle, and its backward pass is 2 dispatches with no tape add', async () => {
    await tf.setBackend('webgpu');
    setAdapterClass('gpu');
    const shape: [number, number, number, number] = [4, 8, 8, 16];
    const [x, w1, w2] = [0, 1, 2].map(() => tf.tensor4d(randomValues(rng, 4 * 8 * 8 * 16), shape));
    const gamma = tf.ones([16]) as tf.Tensor1D;
    const beta = tf.zeros([16]) as tf.Tensor1D;
    const loss = (a: tf.Tensor) => {
      const { y, second } = fusedBatchNorm(a as tf.Tensor4D, gamma, beta, { epsilon: 1e-5, training: true, relu: true, tee: true, kernels: 'custom' });
      if (!second) throw new Error('no second handle');
      expect(second.dataId).toBe(y.dataId);
      expect(second.id).not.toBe(y.id);
      return tf.add(tf.sum(tf.mul(y, w1)), tf.sum(tf.mul(second, w2)));
    };
    const forward = ourDispatches(() => loss(x));
    const both = ourDispatches(() => tf.grads(loss)([x]));
    expect(forward).toEqual(['tlBatchNormPartial', 'tlBatchNormApply']);
    expect(both).toEqual([...forward, 'tlBatchNormPartial', 'tlBatchNormGradInputGiven']);
    const profile = await tf.profile(() => tf.dispose(tf.grads(loss)([x])));
    // The forward's one Add (of the two sums) is the only one: the two y gradients are not added.
    expect(profile.kernelNames.filter((k) => k === 'Add' || k === 'AddN')).toEqual(['Add']);
    tf.dispose([x, w1, w2, gamma, beta]);
  });

  it('forward and backward run only our two kernels and leak no tensors', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor4d(randomValues(rng, 2 * 3 * 3 * 8), [2, 3, 3, 8]);
    const gamma = tf.variable(tf.ones([8])) as tf.Variable<tf.Rank.R1>;
    const beta = tf.variable(tf.zeros([8])) as tf.Variable<tf.Rank.R1>;
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { y, mean, variance } = fusedBatchNorm(x, gamma, beta, { epsilon: 1e-5, training: true, relu: true, kernels: 'custom' });
        tf.dispose([mean, variance]);
        return tf.sum(y);
      });
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = profile.kernelNames.filter((k) => k.startsWith('TrickLab'));
    expect(names.sort()).toEqual([BN_APPLY_KERNEL, BN_GRAD_KERNEL].sort());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta]);
  });

  // The dispatches of ours that `f` records, by program (shader key up to its first '_').
  const ourDispatches = (f: () => void): string[] => {
    const backend = tf.backend() as unknown as { recordAndSubmit: (program: { shaderKey: string }, ...rest: unknown[]) => unknown };
    const original = backend.recordAndSubmit;
    const keys: string[] = [];
    backend.recordAndSubmit = function (this: unknown, program, ...rest) {
      if (program.shaderKey.startsWith('tlBatchNorm')) keys.push(program.shaderKey.split('_')[0]);
      return original.call(this, program, ...rest);
    };
    try {
      tf.tidy(f);
    } finally {
      backend.recordAndSubmit = original;
    }
    return keys;
  };

  for (const adapter of ['gpu', 'cpu'] as const) {
    it(`is 2 dispatches forward and 2 backward, with the fused shortcut too (${adapter} split)`, async () => {
      await tf.setBackend('webgpu');
      setAdapterClass(adapter);
      const shape: [number, number, number, number] = [4, 8, 8, 16];
      const [x, shortcut, weights] = [0, 1, 2].map(() => tf.tensor4d(randomValues(rng, 4 * 8 * 8 * 16), shape));
      const gamma = tf.ones([16]) as tf.Tensor1D;
      const beta = tf.zeros([16]) as tf.Tensor1D;
      const bn = (s?: tf.Tensor4D) => (a: tf.Tensor) => fusedBatchNorm(a as tf.Tensor4D, gamma, beta, { epsilon: 1e-5, training: true, relu: true, shortcut: s, kernels: 'custom' }).y;
      const cases = [[bn(), 'tlBatchNormApply', 'tlBatchNormGradInput'], [bn(shortcut), 'tlBatchNormApplyAdd', 'tlBatchNormGradInputGiven']] as const;
      for (const [f, apply, dx] of cases) {
        const forward = ourDispatches(() => f(x));
        // tf.grads runs the forward pass again, then the backward.
        const both = ourDispatches(() => tf.grads((a: tf.Tensor) => tf.sum(tf.mul(f(a), weights)))([x]));
        expect(forward).toEqual(['tlBatchNormPartial', apply]);
        expect(both).toEqual([...forward, 'tlBatchNormPartial', dx]);
      }
      tf.dispose([x, shortcut, weights, gamma, beta]);
    });
  }

  it('normalises with the running statistics when training is false', async () => {
    const run = () => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
      const out = fusedBatchNorm(x, tf.tensor1d([2, 1]), tf.tensor1d([0, 1]), {
        epsilon: 0, training: false, relu: true, kernels: 'custom', movingMean: tf.tensor1d([3, 4]), movingVariance: tf.tensor1d([4, 1]),
      });
      return out.y;
    };
    // Channel 0: 2·(x − 3)/2 = x − 3 → 1−3, 3−3, 5−3, 7−3 then ReLU; channel 1: (x − 4) + 1.
    const [y] = await runOn('webgpu', run);
    expect(Array.from(y)).toEqual([0, 0, 0, 1, 2, 3, 4, 5]);
  });

  it('applies the ReLU it is asked for', async () => {
    // Channel 0 holds 1, 3, 5, 7 and channel 1 holds 2, 4, 6, 8: each has mean μ₀ = 4, μ₁ = 5 and
    // biased variance 5, so (x − μ)/√5 = −3/√5, −1/√5, 1/√5, 3/√5 per channel, interleaved.
    const run = (relu: boolean) => () => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
      return fusedBatchNorm(x, tf.tensor1d([1, 1]), tf.tensor1d([0, 0]), { epsilon: 0, training: true, relu, kernels: 'custom' }).y;
    };
    const a = 1 / Math.sqrt(5);
    const expectClose = (got: Float32Array, want: number[]) => want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    expectClose((await runOn('webgpu', run(true)))[0], [0, 0, 0, 0, a, a, 3 * a, 3 * a]);
    expectClose((await runOn('webgpu', run(false)))[0], [-3 * a, -3 * a, -a, -a, a, a, 3 * a, 3 * a]);
  });
});
