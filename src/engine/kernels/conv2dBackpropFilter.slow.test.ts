/**
 * Our split-K Conv2DBackpropFilter on WebGPU (Dawn + SwiftShader) against tfjs's CPU kernel, on
 * seeded random ResNet-like shapes: 3×3 pad 1 and 1×1 pad 0 ('same'/'valid'), stride 1 and 2,
 * odd sizes, batch 1, channel counts not a multiple of 4, and K long enough to split.
 * Error bound: |ours − cpu| ≤ 2e-5·√K + 2e-5·|cpu| per weight (K = batch·outH·outW, the
 * length of each fp32 dot product; values are N(0, 1), so sums are O(√K)).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CPU_WORKGROUPS, planSplitK } from './conv2dBackpropFilter';
import { setAdapterClass } from './program';
import { conv2d } from './conv2d';
import { CONV_FILTER_GRAD_KERNEL, usesCustomKernels } from './registry';
import { convOutSize, PAD1, withBothLayouts, type ConvCase } from '../../../test/support/convCases';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';

const CASES: ConvCase[] = [
  { name: '3×3 s1 pad 1, odd 7×7, 5→6 ch', batch: 2, size: 7, inC: 5, outC: 6, k: 3, stride: 1, pad: 1 },
  { name: '3×3 s2 pad 1, odd 9×9, batch 1, 3→17 ch', batch: 1, size: 9, inC: 3, outC: 17, k: 3, stride: 2, pad: 1 },
  { name: "3×3 s1 'same', 70 out ch (two column tiles)", batch: 2, size: 6, inC: 8, outC: 70, k: 3, stride: 1, pad: 'same' },
  { name: "1×1 s2 'valid' shortcut, 6→10 ch", batch: 3, size: 8, inC: 6, outC: 10, k: 1, stride: 2, pad: 'valid' },
  { name: '1×1 s1 pad 0, 33→7 ch', batch: 2, size: 5, inC: 33, outC: 7, k: 1, stride: 1, pad: 0 },
  { name: '3×3 s2 pad 1 on 2×2 → 1×1 output (k steps carry across images)', batch: 5, size: 2, inC: 3, outC: 4, k: 3, stride: 2, pad: 1 },
  { name: '3×3 s1 pad 1, K = 5,760 in 45 slices (several per reduce lane)', batch: 10, size: 24, inC: 2, outC: 3, k: 3, stride: 1, pad: 1 },
  { name: '3×3 s1 pad 1, long K (split into slices)', batch: 8, size: 16, inC: 4, outC: 8, k: 3, stride: 1, pad: 1 },
  // Channels multiples of 4: on SwiftShader ('cpu') these take the register kernel (conv2dBackpropFilterVec4.ts).
  { name: 'ResNet 3×3 s1 explicit pads, 16→16 ch', batch: 3, size: 8, inC: 16, outC: 16, k: 3, stride: 1, pad: PAD1 },
  { name: "ResNet 3×3 s2 'same' (uneven pads), odd 9×9, 8→12 ch", batch: 2, size: 9, inC: 8, outC: 12, k: 3, stride: 2, pad: 'same' },
  { name: "option B 1×1 s2 'valid' projection, 12→20 ch", batch: 2, size: 6, inC: 12, outC: 20, k: 1, stride: 2, pad: 'valid' },
  { name: 'RGB stem 3×3 s1 pad 1, 3→16 ch (x one channel at a time)', batch: 4, size: 10, inC: 3, outC: 16, k: 3, stride: 1, pad: 1 },
  { name: '7×7 s2 pad 3 stem on 5×5 (taps with no valid column), 4→8 ch', batch: 2, size: 5, inC: 4, outC: 8, k: 7, stride: 2, pad: 3 },
  { name: '3×3 s1 pad 1 on 1×1, batch 3, 8→4 ch (one row per image)', batch: 3, size: 1, inC: 8, outC: 4, k: 3, stride: 1, pad: 1 },
];

useWebGPU();

describe('Conv2DBackpropFilter (split-K implicit GEMM)', () => {
  it('is registered for webgpu under its own name, beside the stock kernel', () => {
    expect(tf.getKernel(CONV_FILTER_GRAD_KERNEL, 'webgpu')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu').kernelFunc).not.toBe(tf.getKernel(CONV_FILTER_GRAD_KERNEL, 'webgpu').kernelFunc);
  });

  it('splits long reductions and keeps short ones whole', () => {
    // ResNet-20 stage 1 at batch 128: M = 3·3·16, N = 16, K = 128·32·32.
    const big = planSplitK(144, 16, 131072);
    expect(big.splits).toBeGreaterThan(100);
    expect(big.splits * big.kPerSplit).toBeGreaterThanOrEqual(131072);
    expect(planSplitK(144, 16, 100).splits).toBe(1);
    // SwiftShader: 3 row tiles × 2 slices, not hundreds of workgroups.
    expect(planSplitK(144, 16, 131072, CPU_WORKGROUPS).splits).toBe(2);
  });

  const rng = createRng(20260401);
  // Every shape with a GPU's work split (many K slices) and with SwiftShader's (a few).
  for (const [c, adapter] of withBothLayouts(CASES)) {
    it(`${c.name} (${adapter} split)`, async () => {
      setAdapterClass(adapter);
      const o = convOutSize(c);
      const xv = randomValues(rng, c.batch * c.size * c.size * c.inC);
      const dyv = randomValues(rng, c.batch * o * o * c.outC);
      const K = c.batch * o * o;
      const run = () => {
        const x = tf.tensor4d(xv, [c.batch, c.size, c.size, c.inC]);
        const dy = tf.tensor4d(dyv, [c.batch, o, o, c.outC]);
        const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [c.k, c.k, c.inC, c.outC] };
        // Ours on webgpu, tfjs's own on the CPU reference.
        const kernel = usesCustomKernels('custom') ? CONV_FILTER_GRAD_KERNEL : 'Conv2DBackpropFilter';
        return tf.engine().runKernel(kernel, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      };
      const [ref] = await runOn('cpu', run);
      const [ours] = await runOn('webgpu', run);
      const { worst, maxAbs } = compare(ours, ref, 2e-5 * Math.sqrt(K), 2e-5);
      expect(ours.length).toBe(c.k * c.k * c.inC * c.outC);
      expect(worst, `max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
    });
  }

  it("gives tf.grad of the model's 'custom' conv2d the same filter gradient as the CPU backend", async () => {
    const xv = randomValues(rng, 2 * 8 * 8 * 3);
    const wv = randomValues(rng, 3 * 3 * 3 * 5, 0.3);
    const grad = () => {
      const x = tf.tensor4d(xv, [2, 8, 8, 3]);
      const w = tf.tensor4d(wv, [3, 3, 3, 5]);
      return tf.grad((f: tf.Tensor) => tf.sum(tf.square(conv2d(x, f as tf.Tensor4D, 2, 'same', 'custom'))))(w);
    };
    const [ref] = await runOn('cpu', grad);
    const [ours] = await runOn('webgpu', grad);
    expect(compare(ours, ref, 2e-5 * Math.sqrt(2 * 4 * 4), 2e-5).worst).toBeLessThanOrEqual(1);
  });
});
