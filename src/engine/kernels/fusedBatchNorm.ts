/**
 * Training-mode BatchNorm (Ioffe & Szegedy 2015) with an optional fused ReLU, as one call the
 * model can make whatever the backend: with our kernels on WebGPU it is one kernel of 2 dispatches
 * forward and one of 2 backward (the closed-form gradient, registered in registry.ts); anywhere
 * else it is plain tf ops (moments, batchNorm, relu) differentiated by tfjs.
 *
 * Gradient (training mode, μ and σ² functions of x; x̂ = (x − μ)/σ, σ = √(σ² + ε), R = N·H·W):
 *   dβ = Σ g,  dγ = Σ g·x̂,  dx = γ/σ · (g − dβ/R − x̂·dγ/R),  g = dy (· [y > 0] with ReLU).
 */
import * as tf from '@tensorflow/tfjs';
import { BN_APPLY_KERNEL, usesCustomKernels, type KernelSet } from './registry';

export interface FusedBatchNormOptions {
  /** Added to the variance before the square root (PyTorch's default is 1e-5). */
  epsilon: number;
  /** true: normalise with the batch's statistics; false: with movingMean/movingVariance. */
  training: boolean;
  /** Apply ReLU to the output (fused into the same kernel on WebGPU). Default false. */
  relu?: boolean;
  /**
   * Added after the normalisation, before the ReLU: a residual block's shortcut, so that BN, the
   * addition and the ReLU are one kernel (needs relu). Differentiable like x.
   */
  shortcut?: tf.Tensor4D;
  /**
   * Also return y under a second handle (`second`), for an output read by two consumers (a
   * block input: its first conv and its identity shortcut). With our kernels the two consumers'
   * gradients are summed inside the BN's backward pass, not by a tape add; elsewhere `second` is
   * y itself. Needs relu. Default false.
   */
  tee?: boolean;
  /** Running mean, required when training is false. */
  movingMean?: tf.Tensor1D;
  /** Running variance, required when training is false. */
  movingVariance?: tf.Tensor1D;
  /** The run's kernel set: 'custom' runs ours on WebGPU (in training), 'stock' tf ops. */
  kernels: KernelSet;
}

export interface FusedBatchNormResult {
  /** Normalised (and, with relu, rectified) activations, same shape as x. */
  y: tf.Tensor4D;
  /** Per-channel mean used to normalise (the batch mean in training). Not differentiable. */
  mean: tf.Tensor1D;
  /** Per-channel biased variance used to normalise (divide by R, not R − 1). Not differentiable. */
  variance: tf.Tensor1D;
  /** With `tee`: y under a second handle (the same buffer; with tf ops, y itself). */
  second?: tf.Tensor4D;
}

/**
 * BatchNorm over the N, H, W axes of an NHWC tensor, per channel: y = γ·(x − μ)/√(σ² + ε) + β,
 * then ReLU if `relu`. Uses our kernels when `usesCustomKernels(options.kernels)`, else tf ops; both give
 * gradients for x, γ and β. The caller owns (and disposes) y, mean and variance.
 */
export function fusedBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: FusedBatchNormOptions): FusedBatchNormResult {
  const relu = options.relu ?? false;
  const { shortcut } = options;
  const tee = options.tee ?? false;
  if (shortcut && !relu) throw new Error('fusedBatchNorm: a shortcut is fused only with relu: true');
  if (tee && !relu) throw new Error('fusedBatchNorm: a tee needs relu: true (its gradient reads the ReLU mask from y)');
  if (!options.training || !usesCustomKernels(options.kernels)) {
    const result = options.training ? opsBatchNorm(x, gamma, beta, options.epsilon, relu, shortcut) : inferenceBatchNorm(x, gamma, beta, options, relu);
    return tee ? { ...result, second: result.y } : result;
  }

  const attrs = { epsilon: options.epsilon, relu, shortcut: Boolean(shortcut), tee };
  const inputs: tf.NamedTensorMap = shortcut ? { x, gamma, beta, shortcut } : { x, gamma, beta };
  // μ and σ² feed the running averages, never the loss: their gradients stay null.
  const [y, mean, variance, second] = tf.engine().runKernel(BN_APPLY_KERNEL, inputs, attrs) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D?];
  return second ? { y, mean, variance, second } : { y, mean, variance };
}

/** The tf-ops path (every backend): moments, batchNorm, optional shortcut and ReLU. */
function opsBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, relu: boolean, shortcut?: tf.Tensor4D): FusedBatchNormResult {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const y = tf.tidy(() => {
    const normed = tf.batchNorm(x, mean, variance, beta, gamma, epsilon) as tf.Tensor4D;
    const sum = shortcut ? tf.add(normed, shortcut) : normed;
    return (relu ? tf.relu(sum) : sum) as tf.Tensor4D;
  });
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** Evaluation mode: the running statistics, tf ops on every backend (not a training hot path). */
function inferenceBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: FusedBatchNormOptions, relu: boolean): FusedBatchNormResult {
  const { movingMean, movingVariance, shortcut } = options;
  if (!movingMean || !movingVariance) throw new Error('fusedBatchNorm: training is false but movingMean/movingVariance are missing');
  const y = tf.tidy(() => {
    const normed = tf.batchNorm(x, movingMean, movingVariance, beta, gamma, options.epsilon) as tf.Tensor4D;
    const sum = shortcut ? tf.add(normed, shortcut) : normed;
    return (relu ? tf.relu(sum) : sum) as tf.Tensor4D;
  });
  return { y, mean: tf.clone(movingMean), variance: tf.clone(movingVariance) };
}
