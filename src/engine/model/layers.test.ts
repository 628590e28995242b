// Activation values by hand: Swish x·σ(x) (Ramachandran et al. 2017), e.g. swish(−1) =
// −1/(1 + e) = −0.2689414 and swish(2) = 2/(1 + e⁻²) = 1.7615942; GELU in its tanh form
// ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (Hendrycks & Gimpel 2016); ReLU. Then FP16 emulation of
// the operations besides conv, BatchNorm and dense: residual add, activations, pooling, SE.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { createRng } from '../rng';
import { roundHalf } from '../tricks/fp16';
import { createModel, disposeModel } from './index';
import { activate, activation, avgPool, globalAvgPool, residualAdd, type ForwardContext } from './layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const X = [-3, -1, 0, 0.5, 2];
const values = (kind: 'relu' | 'swish' | 'gelu'): number[] => tf.tidy(() => Array.from(activate(tf.tensor4d(X, [1, 1, 5, 1]), kind).dataSync()));

describe('activate', () => {
  it('swish', () => {
    const want = [-0.1422776, -0.2689414, 0, 0.3112297, 1.7615942];
    values('swish').forEach((v, i) => expect(v, `swish(${X[i]})`).toBeCloseTo(want[i], 6));
  });

  it('gelu (tanh form)', () => {
    const want = [-0.0036374, -0.158808, 0, 0.345714, 1.9545977];
    values('gelu').forEach((v, i) => expect(v, `gelu(${X[i]})`).toBeCloseTo(want[i], 5));
  });

  it('relu', () => {
    expect(values('relu')).toEqual([0, 0, 0, 0.5, 2]);
  });
});

describe('half-precision emulation of the remaining operations', () => {
  // ctx.round = round to IEEE half (the FP16 trick's rounding). Near 1 the half spacing is 2⁻¹⁰.
  const half: ForwardContext = { training: false, bnStats: [], round: roundHalf, kernels: 'stock' };
  const exact: ForwardContext = { ...half, round: (x) => x };
  const t = (values: number[], shape: [number, number, number, number]) => tf.tensor4d(values, shape);
  const read = (x: tf.Tensor): number[] => Array.from(x.dataSync());

  it('rounds the residual addition: 1 + 2⁻¹¹ is a tie between halves and goes to the even one, 1', () => {
    expect(tf.tidy(() => read(residualAdd(half, t([1], [1, 1, 1, 1]), t([2 ** -11], [1, 1, 1, 1]))))).toEqual([1]);
    expect(tf.tidy(() => read(residualAdd(exact, t([1], [1, 1, 1, 1]), t([2 ** -11], [1, 1, 1, 1]))))).toEqual([1 + 2 ** -11]);
  });

  it('rounds smooth activations: swish(1) = 0.7310586 becomes 1497 · 2⁻¹¹ = 0.73095703125; ReLU needs none', () => {
    expect(tf.tidy(() => read(activation(half, t([1], [1, 1, 1, 1]), 'swish')))).toEqual([1497 * 2 ** -11]);
    expect(tf.tidy(() => read(activation(exact, t([1], [1, 1, 1, 1]), 'swish')))[0]).toBeCloseTo(0.7310586, 6);
  });

  it('rounds pooling: the mean 1 + 0.75 · 2⁻¹⁰ of [1, 1 + 2⁻¹⁰ ×3] becomes 1 + 2⁻¹⁰', () => {
    const x = () => t([1, 1 + 2 ** -10, 1 + 2 ** -10, 1 + 2 ** -10], [1, 2, 2, 1]);
    expect(tf.tidy(() => read(globalAvgPool(half, x())))).toEqual([1 + 2 ** -10]);
    expect(tf.tidy(() => read(avgPool(half, x(), 2)))).toEqual([1 + 2 ** -10]);
    expect(tf.tidy(() => read(globalAvgPool(exact, x())))).toEqual([1 + 0.75 * 2 ** -10]);
  });

  it('rounds every op of a CIFAR ResNet with SE, Swish and ResNet-D shortcuts (88 roundings, itemised)', () => {
    // Depth 8 (one block per stage). Stem: conv (weights, output) 2 + BN (γ, β, output) 3 + swish 1 = 6.
    // Each block: conv1 + BN1 + swish 6, conv2 + BN2 5, SE 9 (pool 1, two dense layers 3 each:
    // weights, bias, output; gate 1; product 1), residual add 1, swish 1 = 22; stages 2 and 3
    // add a projection shortcut: 2×2 pool 1 + conv 2 + BN 3 = 6. Head: pool 1 + dense 3 = 4.
    // 6 + 22 + 28 + 28 + 4 = 88.
    const config = { ...makeConfig().model, depth: 8, widthMultiplier: 0.5, se: true, activation: 'swish' as const, shortcut: 'projection' as const, resnetD: true };
    const model = createModel(config, 10, createRng(1));
    let calls = 0;
    const counting: ForwardContext = { ...half, round: (x) => (calls++, roundHalf(x)) };
    tf.tidy(() => model.forward(tf.ones([1, 8, 8, 3]), counting));
    disposeModel(model);
    expect(calls).toBe(88);
  });
});
