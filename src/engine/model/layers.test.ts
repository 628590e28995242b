// Activation values by hand: Swish x·σ(x) (Ramachandran et al. 2017), e.g. swish(−1) =
// −1/(1 + e) = −0.2689414 and swish(2) = 2/(1 + e⁻²) = 1.7615942; GELU in its tanh form
// ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (Hendrycks & Gimpel 2016); ReLU.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activate } from './layers';

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
