/** Seeded random tensors for the bench: N(0, 1) inputs and one-hot labels (never Math.random). */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../engine/rng';

export function randomTensor(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = scale * rng.normal();
  return tf.tensor(data, shape);
}

/** A batch of N(0, 1) images and uniformly drawn one-hot targets. */
export function randomBatch(rng: Rng, batch: number, resolution: number, numClasses: number): { x: tf.Tensor4D; targets: tf.Tensor2D } {
  const labels = Int32Array.from({ length: batch }, () => rng.int(numClasses));
  const x = randomTensor(rng, [batch, resolution, resolution, 3]) as tf.Tensor4D;
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D);
  return { x, targets };
}
