// Placement, by hand-computed outputs: a known input through each CIFAR ResNet shortcut (option A
// zero-pad with its channel split, option B strided 1×1 projection, ResNet-D's 2×2 pool then
// 1×1 conv) and through the block's strided 3×3 conv, whose output pixel (i, j) must sit on input
// pixel (2i, 2j), the pixel the shortcut keeps. Then the builder: which shortcut each config gets.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ModelConfig } from '../config';
import { createRng } from '../rng';
import { shortcutForward, type Shortcut } from './cifarResnet';
import { countParams, createModel, disposeModel } from './index';
import { BN_EPSILON, conv2d, type BnLayer, type ForwardContext } from './layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const evalCtx = (): ForwardContext => ({ training: false, bnStats: [], round: (x) => x, kernels: 'stock' });
/** x[h][w][c] = 100c + 4h + w + 1 on a 4×4×C image: every value says where it came from. */
const pixel = (h: number, w: number, c: number): number => 100 * c + 4 * h + w + 1;
const input = (channels: number): tf.Tensor4D =>
  tf.tensor4d(Array.from({ length: 16 * channels }, (_, i) => pixel(Math.floor(i / (4 * channels)), Math.floor(i / channels) % 4, i % channels)), [1, 4, 4, channels]);
const run = (f: () => tf.Tensor): number[][][] => tf.tidy(() => (f().arraySync() as number[][][][])[0]);
/** BatchNorm in inference mode with mean 0, variance 1, γ 1, β 0: y = x / √(1 + ε). */
const identityBn = (c: number): BnLayer => ({
  gamma: tf.variable(tf.ones([c])),
  beta: tf.variable(tf.zeros([c])),
  runningMean: tf.variable(tf.zeros([c]), false),
  runningVar: tf.variable(tf.ones([c]), false),
});
const BN = 1 / Math.sqrt(1 + BN_EPSILON);

describe('CIFAR ResNet shortcuts by hand', () => {
  it('option A keeps pixel (2i, 2j) and pads ⌊extra/2⌋ zero channels before, the rest after', () => {
    // 2 → 5 channels: 1 zero channel, the input's 2, then 2 zero channels.
    const out = run(() => shortcutForward(evalCtx(), input(2), { kind: 'zero-pad', stride: 2, outC: 5 }));
    for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      expect(out[i][j]).toEqual([0, pixel(2 * i, 2 * j, 0), pixel(2 * i, 2 * j, 1), 0, 0]);
    }
    // 16 → 32 as in ResNet-20: 8 zero channels on each side.
    const wide = run(() => shortcutForward(evalCtx(), tf.ones([1, 2, 2, 16]) as tf.Tensor4D, { kind: 'zero-pad', stride: 2, outC: 32 }));
    expect(wide[0][0]).toEqual([...Array(8).fill(0), ...Array(16).fill(1), ...Array(8).fill(0)]);
  });

  // 1×1 projection 2 → 3 channels: out = [x₀, x₁, 2x₀ − x₁].
  const W = [1, 0, 2, 0, 1, -1];
  const project = (x: readonly number[]): number[] => [x[0], x[1], 2 * x[0] - x[1]].map((v) => v * BN);

  it('option B projects pixel (2i, 2j) with a stride-2 1×1 conv, then BatchNorm', () => {
    const s: Shortcut = { kind: 'projection', conv: tf.variable(tf.tensor4d(W, [1, 1, 2, 3])), bn: identityBn(3), stride: 2, avgPool: false };
    const out = run(() => shortcutForward(evalCtx(), input(2), s));
    for (const [i, j] of [[0, 0], [1, 1], [0, 1]]) {
      const want = project([pixel(2 * i, 2 * j, 0), pixel(2 * i, 2 * j, 1)]);
      out[i][j].forEach((v, o) => expect(v).toBeCloseTo(want[o], 3));
    }
  });

  it('ResNet-D averages each 2×2 window, then projects with a stride-1 1×1 conv', () => {
    const s: Shortcut = { kind: 'projection', conv: tf.variable(tf.tensor4d(W, [1, 1, 2, 3])), bn: identityBn(3), stride: 2, avgPool: true };
    const out = run(() => shortcutForward(evalCtx(), input(2), s));
    // The window at (2i..2i+1, 2j..2j+1): its mean is the value at (2i, 2j) plus (4 + 1)/2.
    for (const [i, j] of [[0, 0], [1, 0], [1, 1]]) {
      const mean = (c: number) => pixel(2 * i, 2 * j, c) + 2.5;
      const want = project([mean(0), mean(1)]);
      out[i][j].forEach((v, o) => expect(v).toBeCloseTo(want[o], 3));
    }
  });

  it('the strided 3×3 conv centres output (i, j) on input (2i, 2j), zero-padded by one', () => {
    // A kernel that reads only its centre returns the pixel the shortcut keeps; one that reads
    // only its top-left tap returns (2i − 1, 2j − 1), which is padding at (0, 0).
    const tap = (ky: number, kx: number) => tf.variable(tf.tensor4d(Array.from({ length: 9 }, (_, k) => (k === 3 * ky + kx ? 1 : 0)), [3, 3, 1, 1]));
    const centre = run(() => conv2d(evalCtx(), input(1), tap(1, 1), 2));
    expect(centre.map((row) => row.map((px) => px[0]))).toEqual([
      [pixel(0, 0, 0), pixel(0, 2, 0)],
      [pixel(2, 0, 0), pixel(2, 2, 0)],
    ]);
    const corner = run(() => conv2d(evalCtx(), input(1), tap(0, 0), 2));
    expect(corner.map((row) => row.map((px) => px[0]))).toEqual([
      [0, 0],
      [0, pixel(1, 1, 0)],
    ]);
  });
});

describe('CIFAR ResNet shortcut lever', () => {
  const model = (patch: Partial<ModelConfig>): ModelConfig => ({ ...makeConfig().model, ...patch });
  const count = (patch: Partial<ModelConfig>): number => {
    const m = createModel(model(patch), 10, createRng(1));
    const n = countParams(m);
    disposeModel(m);
    return n;
  };

  it('option B adds the two projections (1×1 conv + BN); ResNet-D on B adds nothing but the pool', () => {
    const b = count({ shortcut: 'projection' });
    expect(b - count({})).toBe(16 * 32 + 32 * 64 + 2 * (32 + 64));
    expect(count({ shortcut: 'projection', resnetD: true })).toBe(b);
  });

  it('ResNet-D changes option B\'s outputs (the pool moves the projection\'s input), same weights', () => {
    const logits = (patch: Partial<ModelConfig>) => {
      const m = createModel(model({ depth: 8, widthMultiplier: 0.25, ...patch }), 10, createRng(3));
      const out = tf.tidy(() => Array.from(m.forward(tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D, evalCtx()).dataSync()));
      disposeModel(m);
      return out;
    };
    expect(logits({ shortcut: 'projection', resnetD: true })).not.toEqual(logits({ shortcut: 'projection' }));
  });
});
