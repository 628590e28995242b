/**
 * The classifier head (global average pool, then a dense layer) with the run's kernel set: with
 * 'custom' on WebGPU one kernel of ours forward and two backward (poolDensePrograms.ts, its
 * gradient registered in registry.ts); anywhere else tf ops (mean, matMul, add), differentiated
 * by tfjs. Both give the same values.
 */
import * as tf from '@tensorflow/tfjs';
import { POOL_DENSE_KERNEL, usesCustomKernels, type KernelSet } from './registry';

/** Logits [N, K] = mean over H and W of x [N, H, W, C], times w [C, K], plus b [K]. */
export function poolDense(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D, kernels: KernelSet): tf.Tensor2D {
  if (!usesCustomKernels(kernels)) return tf.tidy(() => tf.add(tf.matMul(tf.mean(x, [1, 2]) as tf.Tensor2D, w), b));
  return tf.engine().runKernel(POOL_DENSE_KERNEL, { x, w, b }) as tf.Tensor2D;
}
