/**
 * Our implicit-GEMM Conv2D (TrickLabConv2D, the forward pass) on WebGPU (Dawn + SwiftShader)
 * against tfjs's CPU kernel, on seeded random shapes of every geometry the models use: 3×3 pad 1
 * at stride 1 and 2 (even and odd sizes), 'same' padding (asymmetric at stride 2), 1×1
 * projection shortcuts at stride 2, ResNet-D's stride-1 1×1 after its pool, the ImageNet-style
 * 7×7 stride-2 stem, batch 1, rows wider than a thread's pixels, input channels not a multiple of
 * 4 (the RGB stems: our second pipeline) and output channels not a multiple of 4 (the stock
 * kernel's, through our kernel name), each with a GPU's work layout and with SwiftShader's. Error bound: |ours − cpu| ≤ 2e-5·√K + 2e-5·|cpu| per output value
 * (K = kh·kw·inC, the terms of one dot product; values are N(0, 1), so sums are O(√K)).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { conv2d } from './conv2d';
import { CPU_CONV2D_WORKGROUPS, planConv2D } from './conv2dForward';
import { setAdapterClass } from './program';
import { CONV2D_KERNEL, usesCustomKernels } from './registry';
import { PAD1, withBothLayouts, type ConvCase } from '../../../test/support/convCases';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';

const CASES: ConvCase[] = [
  { name: '3×3 s1 pad 1, 8×8, 16→16 ch (ResNet stage 1)', batch: 2, size: 8, inC: 16, outC: 16, k: 3, stride: 1, pad: PAD1 },
  { name: '3×3 s2 pad 1, 8×8, 16→32 ch (downsampling)', batch: 2, size: 8, inC: 16, outC: 32, k: 3, stride: 2, pad: PAD1 },
  { name: '3×3 s1 pad 1, odd 19×19 (3 pixel groups per row, the last short), 8→4 ch', batch: 2, size: 19, inC: 8, outC: 4, k: 3, stride: 1, pad: 1 },
  { name: '3×3 s1 pad 1, odd 7×7, 5→6 ch (6 out: the stock kernel)', batch: 2, size: 7, inC: 5, outC: 6, k: 3, stride: 1, pad: 1 },
  { name: '3×3 s2 pad 1, odd 13×13, 5→8 ch (channels one at a time)', batch: 2, size: 13, inC: 5, outC: 8, k: 3, stride: 2, pad: 1 },
  { name: '3×3 s2 pad 1, odd 9×9, batch 1, 4→12 ch', batch: 1, size: 9, inC: 4, outC: 12, k: 3, stride: 2, pad: 1 },
  { name: "3×3 s2 'same' (pad 0 top, 1 bottom), 8×8, 8→8 ch", batch: 2, size: 8, inC: 8, outC: 8, k: 3, stride: 2, pad: 'same' },
  { name: "3×3 s1 'same', 8→68 ch", batch: 1, size: 6, inC: 8, outC: 68, k: 3, stride: 1, pad: 'same' },
  { name: "1×1 s2 'valid' projection shortcut, 8×8, 16→32 ch", batch: 3, size: 8, inC: 16, outC: 32, k: 1, stride: 2, pad: 'valid' },
  { name: "1×1 s2 'valid' projection, odd 9×9, 12→8 ch", batch: 2, size: 9, inC: 12, outC: 8, k: 1, stride: 2, pad: 'valid' },
  { name: "1×1 s1 'valid' (ResNet-D after the pool; bottleneck), 4×4, 16→32 ch", batch: 2, size: 4, inC: 16, outC: 32, k: 1, stride: 1, pad: 'valid' },
  { name: '7×7 s2 pad 3 stem, 16×16, 4→8 ch', batch: 2, size: 16, inC: 4, outC: 8, k: 7, stride: 2, pad: 3 },
  { name: '7×7 s2 pad 3 stem, odd 11×11, 3→8 ch (RGB: channels one at a time)', batch: 1, size: 11, inC: 3, outC: 8, k: 7, stride: 2, pad: 3 },
  { name: '3×3 s1 pad 1 CIFAR stem, 3→16 ch (RGB: channels one at a time)', batch: 2, size: 8, inC: 3, outC: 16, k: 3, stride: 1, pad: 1 },
  { name: '3×3 s2 pad 1 on 2×2 → 1×1 output', batch: 5, size: 2, inC: 4, outC: 4, k: 3, stride: 2, pad: 1 },
  { name: '3×3 s1 pad 1, 16×16, 32→32 ch (SwiftShader layout: threads loop over 2 items)', batch: 8, size: 16, inC: 32, outC: 32, k: 3, stride: 1, pad: 1 },
];

useWebGPU();

describe('Conv2D (our kernel set)', () => {
  it('is registered for webgpu under its own name, beside the stock kernel', () => {
    expect(tf.getKernel(CONV2D_KERNEL, 'webgpu')).toBeDefined();
    expect(tf.getKernel('Conv2D', 'webgpu').kernelFunc).not.toBe(tf.getKernel(CONV2D_KERNEL, 'webgpu').kernelFunc);
  });

  it('lays out one item per thread on a GPU and a few workgroups on SwiftShader', () => {
    // ResNet-20's stage-1 conv at batch 128: 32×32 output pixels in groups of 8 along a row, 16 channels in 4s.
    const info = tf.backend_util.computeConv2DInfo([128, 32, 32, 16], [3, 3, 16, 16], 1, 1, 1);
    expect(planConv2D(info, 1 << 20)).toEqual({ items: 128 * 32 * 4 * 4, groups: 4, workgroups: (128 * 32 * 4 * 4) / 64 });
    expect(planConv2D(info, CPU_CONV2D_WORKGROUPS).workgroups).toBe(CPU_CONV2D_WORKGROUPS);
    // Stride 2 on 32×32 → 16×16×32: 2 groups per row, 8 channel groups.
    const down = tf.backend_util.computeConv2DInfo([8, 32, 32, 16], [3, 3, 16, 32], 2, 1, 1);
    expect(planConv2D(down, 1 << 20)).toMatchObject({ items: 8 * 16 * 2 * 8, groups: 2 });
  });

  const rng = createRng(20261130);
  for (const [c, adapter] of withBothLayouts(CASES)) {
    it(`${c.name} (${adapter} layout)`, async () => {
      setAdapterClass(adapter);
      const xv = randomValues(rng, c.batch * c.size * c.size * c.inC);
      const wv = randomValues(rng, c.k * c.k * c.inC * c.outC);
      const run = () => {
        const x = tf.tensor4d(xv, [c.batch, c.size, c.size, c.inC]);
        const filter = tf.tensor4d(wv, [c.k, c.k, c.inC, c.outC]);
        const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
        // Ours on webgpu, tfjs's own on the CPU reference.
        const kernel = usesCustomKernels('custom') ? CONV2D_KERNEL : 'Conv2D';
        return tf.engine().runKernel(kernel, { x, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      };
      const [ref] = await runOn('cpu', run);
      const [ours] = await runOn('webgpu', run);
      const K = c.k * c.k * c.inC;
      const { worst, maxAbs } = compare(ours, ref, 2e-5 * Math.sqrt(K), 2e-5);
      expect(ours.length).toBe(ref.length);
      // Not all zeros: every case's output has values of the size of its sums.
      expect(ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.5);
      expect(worst, `max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
    });
  }

  it("gives the model's 'custom' conv2d and its gradients the CPU backend's values", async () => {
    const xv = randomValues(rng, 2 * 8 * 8 * 8);
    const wv = randomValues(rng, 3 * 3 * 8 * 16, 0.3);
    const run = () => {
      const x = tf.tensor4d(xv, [2, 8, 8, 8]);
      const w = tf.tensor4d(wv, [3, 3, 8, 16]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, PAD1, 'custom')));
      const { value, grads } = tf.valueAndGrads(f)([x, w]);
      return [value, ...grads];
    };
    const ref = await runOn('cpu', run);
    const ours = await runOn('webgpu', run);
    for (let i = 0; i < ref.length; i++) expect(compare(ours[i], ref[i], 2e-5 * Math.sqrt(9 * 16) * 10, 2e-5).worst).toBeLessThanOrEqual(1);
  });
});
