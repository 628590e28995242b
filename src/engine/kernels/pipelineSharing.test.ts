/**
 * Our kernels compile one pipeline per program, not one per layer shape: a small two-width
 * network (conv → BN+ReLU → stride-2 conv → BN → ReLU(BN + shortcut), and the gradients) trained
 * one step at several channel counts, batch sizes and image sizes dispatches the same set of
 * pipelines of ours (tfjs caches a pipeline per key: shader key, input ranks, broadcast pattern,
 * dispatch shape), with a GPU's work split and with SwiftShader's.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2d } from './conv2d';
import { fusedBatchNorm } from './fusedBatchNorm';
import { setAdapterClass } from './program';
import { createRng, randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

/** Shader-key prefixes of the programs this test is about (BN, the filter and input gradients). */
const OURS = /^tl(BatchNorm|Conv2DBackpropFilter|Conv2DBackpropInput|SplitKReduce)/;

/** A pipeline key's program (the shader key's first word). */
const programOf = (key: string): string => key.split('_')[0];

interface Net {
  batch: number;
  size: number;
  widths: [number, number];
}

type Recorder = (program: { shaderKey: string }, ...rest: unknown[]) => unknown;

/** The pipeline keys of ours that one forward + backward pass of `net` dispatches. */
function ourPipelineKeys(net: Net): Set<string> {
  const rng = createRng(net.widths[0] * 100 + net.widths[1]);
  const [w1, w2] = net.widths;
  const backend = tf.backend() as unknown as { recordAndSubmit: Recorder };
  const original = backend.recordAndSubmit;
  const keys = new Set<string>();
  backend.recordAndSubmit = function (this: unknown, program, ...rest) {
    if (OURS.test(program.shaderKey)) keys.add(program.shaderKey);
    return original.call(this, program, ...rest);
  };
  try {
    tf.tidy(() => {
      const x = tf.tensor4d(randomValues(rng, net.batch * net.size * net.size * 3), [net.batch, net.size, net.size, 3]);
      const f1 = tf.tensor4d(randomValues(rng, 9 * 3 * w1, 0.3), [3, 3, 3, w1]);
      const f2 = tf.tensor4d(randomValues(rng, 9 * w1 * w2, 0.3), [3, 3, w1, w2]);
      const ones = (n: number) => tf.ones([n]) as tf.Tensor1D;
      const zeros = (n: number) => tf.zeros([n]) as tf.Tensor1D;
      const bn = { epsilon: 1e-5, training: true, kernels: 'custom' as const };
      const loss = (a: tf.Tensor, b: tf.Tensor, g1: tf.Tensor, g2: tf.Tensor) => {
        const h = fusedBatchNorm(conv2d(x, a as tf.Tensor4D, 1, 'same', 'custom'), g1 as tf.Tensor1D, zeros(w1), { ...bn, relu: true }).y;
        const y = fusedBatchNorm(conv2d(h, b as tf.Tensor4D, 2, 'same', 'custom'), g2 as tf.Tensor1D, zeros(w2), bn).y;
        // A residual block's tail, ReLU(BN(y) + shortcut), has programs of its own.
        const shortcut = tf.tensor4d(randomValues(rng, y.size), y.shape);
        const z = fusedBatchNorm(y, g2 as tf.Tensor1D, zeros(w2), { ...bn, relu: true, shortcut }).y;
        return tf.sum(tf.square(z));
      };
      tf.grads(loss)([f1, f2, ones(w1), ones(w2)]);
    });
  } finally {
    backend.recordAndSubmit = original;
  }
  return keys;
}

// Channel counts 2…80 (one and two BN channel blocks, filter tiles 8…64 wide), batch 1…6,
// images 5…12 pixels (odd sizes, 1×1 ... 6×6 after the stride-2 conv).
const NETS: Net[] = [
  { batch: 4, size: 8, widths: [4, 8] },
  { batch: 2, size: 9, widths: [6, 12] },
  { batch: 6, size: 12, widths: [16, 40] },
  { batch: 1, size: 5, widths: [70, 2] },
  { batch: 3, size: 7, widths: [33, 80] },
];

describe('pipeline sharing', () => {
  afterEach(() => setAdapterClass('auto'));

  for (const adapter of ['gpu', 'cpu'] as const) {
    it(`dispatches the same ${adapter === 'gpu' ? "GPU-split" : 'SwiftShader-split'} pipelines of ours for every channel count and shape`, () => {
      setAdapterClass(adapter);
      const first = ourPipelineKeys(NETS[0]);
      // Partial sums (statistics, gradient, the tail's gradient), apply and dx with and without
      // a shortcut; filter gradient (SwiftShader: the register kernel, from 3 RGB channels and
      // from 4) and its reduce; the stride-2 conv's input gradient (channels 4 → 8: ours; the
      // widths below that are not multiples of 4 get the stock one).
      const filterGrad = adapter === 'gpu' ? ['tlConv2DBackpropFilterPartial'] : ['tlConv2DBackpropFilterScalarX', 'tlConv2DBackpropFilterVec4'];
      expect([...first].map(programOf).sort()).toEqual([
        'tlBatchNormApply', 'tlBatchNormApplyAdd', 'tlBatchNormGradInput', 'tlBatchNormGradInputGiven',
        'tlBatchNormPartial', 'tlBatchNormPartial', 'tlBatchNormPartial',
        ...filterGrad, 'tlConv2DBackpropInput', 'tlSplitKReduce',
      ]);
      const all = new Set(first);
      for (const net of NETS.slice(1)) ourPipelineKeys(net).forEach((k) => all.add(k));
      // No new key for a program of ours: the cache holds one pipeline per program, whatever the
      // widths. On SwiftShader, output widths not a multiple of 4 (6, 70, 2, 33) take the tiled
      // filter gradient instead of the register kernel: one program more, once.
      const programs = [...all].map(programOf);
      const added = adapter === 'gpu' ? [] : ['tlConv2DBackpropFilterPartial'];
      expect(programs.sort()).toEqual([...[...first].map(programOf), ...added].sort());
    });
  }
});
