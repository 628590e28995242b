// Label smoothing as the paper writes it: 1 − ε on the true class, ε/(K − 1) elsewhere.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { smoothTargets } from './labelSmoothing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const smooth = (labels: number[], k: number, eps: number): number[][] =>
  tf.tidy(() => smoothTargets(tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat() as tf.Tensor2D, eps).arraySync());

describe('label smoothing', () => {
  it('gives 0.9 and 0.1/9 for K = 10, ε = 0.1; rows sum to 1', () => {
    const rows = smooth([3, 0], 10, 0.1);
    expect(rows[0][3]).toBeCloseTo(0.9, 6);
    expect(rows[0][0]).toBeCloseTo(0.1 / 9, 6);
    expect(rows[1][0]).toBeCloseTo(0.9, 6);
    for (const r of rows) expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('gives [0.1, 0.7, 0.1, 0.1] for label 1 of K = 4 with ε = 0.3', () => {
    const [row] = smooth([1], 4, 0.3);
    row.forEach((v, i) => expect(v).toBeCloseTo([0.1, 0.7, 0.1, 0.1][i], 6));
  });

  it('is the identity at ε = 0', () => {
    expect(smooth([2], 3, 0)).toEqual([[0, 0, 1]]);
  });
});
