/**
 * precompile on Dawn: a traced computation's pipelines are created (asynchronously, with k of n
 * progress) without dispatching anything, and the real run afterwards creates none and computes
 * the right values.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { precompile } from './precompile';
import { useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const cacheSize = () => Object.keys((tf.backend() as unknown as { pipelineCache: object }).pipelineCache).length;

/** A conv + bias + ReLU on a [1, 5, 5, 2] input of value v, with a 3×3×2×3 filter of ones (an odd shape no other test compiles). */
function convRelu(v: number): tf.Tensor {
  return tf.tidy(() => tf.relu(tf.add(tf.conv2d(tf.fill([1, 5, 5, 2], v) as tf.Tensor4D, tf.ones([3, 3, 2, 3]) as tf.Tensor4D, 1, 'valid'), -10)));
}

describe('precompile', () => {
  it('creates the pipelines of a trace with progress, and the real run then creates none', async () => {
    const before = cacheSize();
    const progress: [number, number][] = [];
    const { created, ms } = await precompile(() => tf.dispose(convRelu(0)), (k, n) => progress.push([k, n]));
    expect(created).toBeGreaterThanOrEqual(2);
    expect(cacheSize()).toBe(before + created);
    expect(ms).toBeGreaterThan(0);
    expect(progress[0]).toEqual([0, created]);
    expect(progress[progress.length - 1]).toEqual([created, created]);
    expect(progress).toHaveLength(created + 1);

    // Each output sums 3·3·2 = 18 inputs of 1: 18 − 10 = 8 after the bias and the ReLU.
    const y = convRelu(1);
    expect(cacheSize()).toBe(before + created);
    expect(Array.from(await y.data())).toEqual(new Array(3 * 3 * 3).fill(8));
    y.dispose();
  });

  it('compiles nothing already cached, and nothing off WebGPU', async () => {
    expect((await precompile(() => tf.dispose(convRelu(0)))).created).toBe(0);
    await tf.setBackend('cpu');
    try {
      expect(await precompile(() => tf.dispose(convRelu(0)))).toEqual({ created: 0, ms: 0 });
    } finally {
      await tf.setBackend('webgpu');
    }
  });

  it('leaves the cache usable when the trace throws, and rethrows', async () => {
    const before = cacheSize();
    const failing = () => {
      // A shape no other test compiles, then a failure half-way.
      tf.dispose(tf.relu(tf.fill([3, 7, 2], -1)));
      throw new Error('trace failed');
    };
    await expect(precompile(failing)).rejects.toThrow('trace failed');
    expect(tf.env().getBool('WEBGPU_ENGINE_COMPILE_ONLY')).toBe(false);
    expect(cacheSize()).toBeGreaterThan(before);
    // The pipeline compiled before the failure runs: relu(−1) = 0, relu(2) = 2.
    const y = tf.relu(tf.fill([3, 7, 2], 2));
    expect(Array.from(await y.data())).toEqual(new Array(42).fill(2));
    y.dispose();
  });
});
