/**
 * Losses and metrics as pure tensor functions. Cross-entropy takes soft targets (rows summing to
 * 1), so one loss serves one-hot labels, label smoothing and mixed targets alike (as timm does).
 */
import * as tf from '@tensorflow/tfjs';

/** Mean over the batch of −Σ_k t_k · log softmax(z)_k. */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** Integer labels to one-hot float targets. */
export function oneHot(labels: Int32Array, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D);
}

/** Number of rows whose top-1 logit is the argmax of the targets (a scalar tensor). */
export function countCorrect(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1)), 'float32')));
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
