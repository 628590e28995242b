/**
 * Our kernels together in a small training loop (conv → BN+ReLU → conv stride 2 → BN → global
 * mean → dense → softmax cross-entropy; SGD Nesterov with weight decay; BN running averages):
 * three steps on WebGPU with our kernels reproduce the same three steps on tfjs's CPU backend
 * (plain tf ops), and a step leaves no tensors behind.
 * Error bound: |ours − cpu| ≤ 1e-4 + 1e-4·|cpu| for losses, weights and running statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { conv2d } from './conv2d';
import { fusedBatchNorm } from './fusedBatchNorm';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';
import { runningAverageUpdate, sgdMomentumUpdate } from './updates';

useWebGPU();

const rng = createRng(42);
const BATCH = 3;
const init = {
  w1: randomValues(rng, 3 * 3 * 3 * 6, 0.3),
  w2: randomValues(rng, 3 * 3 * 6 * 10, 0.2),
  fc: randomValues(rng, 10 * 5, 0.3),
  x: randomValues(rng, BATCH * 9 * 9 * 3),
  labels: [1, 4, 0],
};

/** Builds the net, trains three steps, returns [loss per step, …final variables]. */
function train(countTensors: (n: number) => void): tf.Tensor[] {
  const v = (values: Float32Array | number[], shape: number[]) => tf.variable(tf.tensor(values, shape));
  const w1 = v(init.w1, [3, 3, 3, 6]);
  const w2 = v(init.w2, [3, 3, 6, 10]);
  const fc = v(init.fc, [10, 5]);
  const g1 = v(new Array(6).fill(1), [6]);
  const b1 = v(new Array(6).fill(0), [6]);
  const g2 = v(new Array(10).fill(1), [10]);
  const b2 = v(new Array(10).fill(0), [10]);
  const params = [w1, w2, fc, g1, b1, g2, b2];
  const bufs = params.map((p) => tf.variable(tf.zerosLike(p)));
  const running = [tf.variable(tf.zeros([6])), tf.variable(tf.ones([6])), tf.variable(tf.zeros([10])), tf.variable(tf.ones([10]))];
  const x = tf.tensor4d(init.x, [BATCH, 9, 9, 3]);
  const targets = tf.oneHot(tf.tensor1d(init.labels, 'int32'), 5).toFloat();
  const losses: tf.Tensor[] = [];
  for (let step = 0; step < 3; step++) {
    const stats: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const h1 = fusedBatchNorm(conv2d(x, w1 as tf.Tensor4D, 1, 'same', 'custom'), g1 as tf.Tensor1D, b1 as tf.Tensor1D, { epsilon: 1e-5, training: true, relu: true, kernels: 'custom' });
      const h2 = fusedBatchNorm(conv2d(h1.y, w2 as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]], 'custom'), g2 as tf.Tensor1D, b2 as tf.Tensor1D, { epsilon: 1e-5, training: true, kernels: 'custom' });
      stats.push(...[h1.mean, h1.variance, h2.mean, h2.variance].map((t) => tf.keep(t)));
      const logits = tf.matMul(tf.mean(h2.y, [1, 2]) as tf.Tensor2D, fc as tf.Tensor2D);
      return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
    }, params);
    params.forEach((p, i) => sgdMomentumUpdate(p, bufs[i], grads[p.name], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true, kernels: 'custom' }));
    running.forEach((r, i) => runningAverageUpdate(r, stats[i], 0.1, i % 2 === 1 ? 81 / 80 : 1, 'custom'));
    tf.dispose([...stats, ...Object.values(grads)]);
    losses.push(value);
    countTensors(tf.memory().numTensors);
  }
  tf.dispose([x, targets, ...bufs]);
  return [tf.stack(losses), ...params, ...running];
}

describe('training with our kernels', () => {
  it('matches three CPU steps and keeps the tensor count flat', async () => {
    const counts: number[] = [];
    const ref = await runOn('cpu', () => train(() => undefined));
    const ours = await runOn('webgpu', () => train((n) => counts.push(n)));
    // Each step adds only its kept loss.
    expect(counts[2] - counts[1]).toBe(1);
    expect(counts[1] - counts[0]).toBe(1);
    ref.forEach((r, i) => {
      const { worst, maxAbs } = compare(ours[i], r, 1e-4, 1e-4);
      expect(worst, `output ${i}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
    });
    expect(ref[0][2]).toBeLessThan(ref[0][0]);
  });
});
