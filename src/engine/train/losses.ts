/**
 * Losses and metrics as pure tensor functions. Cross-entropy takes soft targets (rows summing to
 * 1), so one loss serves one-hot labels, label smoothing and mixed targets alike (as timm does).
 * With the 'custom' kernel set on WebGPU the loss, its gradient and the correct count are one
 * dispatch each, or the loss and the count one together (kernels/crossEntropyPrograms.ts);
 * elsewhere tf ops, differentiated by tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { COUNT_CORRECT_KERNEL, CROSS_ENTROPY_AND_CORRECT_KERNEL, CROSS_ENTROPY_KERNEL, usesCustomKernels, type KernelSet } from '../kernels/registry';

/** Mean over the batch of −Σ_k t_k · log softmax(z)_k. */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D, kernels: KernelSet): tf.Scalar {
  if (usesCustomKernels(kernels)) {
    return tf.tidy(() => tf.reshape(tf.engine().runKernel(CROSS_ENTROPY_KERNEL, { logits, targets }) as tf.Tensor, []) as tf.Scalar);
  }
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** Integer labels to one-hot float targets. */
export function oneHot(labels: Int32Array, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D);
}

/** Number of rows whose top-1 logit is the argmax of the targets (a scalar tensor; ties: the first index). */
export function countCorrect(logits: tf.Tensor2D, targets: tf.Tensor2D, kernels: KernelSet): tf.Scalar {
  if (usesCustomKernels(kernels)) {
    return tf.tidy(() => tf.reshape(tf.engine().runKernel(COUNT_CORRECT_KERNEL, { logits, targets }) as tf.Tensor, []) as tf.Scalar);
  }
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1)), 'float32')));
}

/**
 * softCrossEntropy and countCorrect of the same logits and targets; with the 'custom' kernel set
 * on WebGPU one dispatch for both (the loss differentiable as softCrossEntropy's).
 */
export function crossEntropyAndCorrect(logits: tf.Tensor2D, targets: tf.Tensor2D, kernels: KernelSet): { loss: tf.Scalar; correct: tf.Scalar } {
  if (!usesCustomKernels(kernels)) return { loss: softCrossEntropy(logits, targets, kernels), correct: countCorrect(logits, targets, kernels) };
  const [loss, correct] = tf.engine().runKernel(CROSS_ENTROPY_AND_CORRECT_KERNEL, { logits, targets }) as tf.Tensor[];
  return { loss: tf.reshape(loss, []) as tf.Scalar, correct: tf.reshape(correct, []) as tf.Scalar };
}

/** Number of rows whose label is among the k largest logits (a scalar tensor). */
export function countTopK(logits: tf.Tensor2D, labels: tf.Tensor1D, k: number): tf.Scalar {
  return tf.tidy(() => {
    const kk = Math.min(k, logits.shape[1]);
    const { indices } = tf.topk(logits, kk);
    const hits = tf.equal(indices, tf.reshape(labels, [-1, 1]));
    return tf.sum(tf.cast(tf.any(hits, 1), 'float32'));
  });
}
