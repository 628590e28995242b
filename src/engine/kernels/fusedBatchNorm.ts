/**
 * Training-mode BatchNorm (Ioffe & Szegedy 2015) with an optional fused ReLU, as one call the
 * model can make whatever the backend: with the 'custom' kernel set on WebGPU it costs 2 dispatches
 * forward and 2 backward (tf.customGrad supplies the closed-form gradient); anywhere else it is
 * plain tf ops (moments, batchNorm, relu) differentiated by tfjs.
 *
 * Gradient (training mode, μ and σ² functions of x; x̂ = (x − μ)/σ, σ = √(σ² + ε), R = N·H·W):
 *   dβ = Σ g,  dγ = Σ g·x̂,  dx = γ/σ · (g − dβ/R − x̂·dγ/R),  g = dy (· [y > 0] with ReLU).
 */
import * as tf from '@tensorflow/tfjs';
import { BN_APPLY_KERNEL, BN_GRAD_KERNEL, BN_STATS_KERNEL, usesCustomKernels, type KernelSet } from './registry';

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
}

/**
 * BatchNorm over the N, H, W axes of an NHWC tensor, per channel: y = γ·(x − μ)/√(σ² + ε) + β,
 * then ReLU if `relu`. Uses our kernels when `usesCustomKernels(options.kernels)`, else tf ops; both give
 * gradients for x, γ and β. The caller owns (and disposes) y, mean and variance.
 */
export function fusedBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: FusedBatchNormOptions): FusedBatchNormResult {
  const relu = options.relu ?? false;
  const { shortcut } = options;
  if (shortcut && !relu) throw new Error('fusedBatchNorm: a shortcut is fused only with relu: true');
  if (!options.training) return inferenceBatchNorm(x, gamma, beta, options, relu);
  if (!usesCustomKernels(options.kernels)) return opsBatchNorm(x, gamma, beta, options.epsilon, relu, shortcut);

  const attrs = { epsilon: options.epsilon, relu };
  // The partial-sum pass runs outside the custom-gradient op, and the apply pass inside writes
  // the mean and variance as extra outputs: they feed the running averages and the gradient
  // (saved), never the loss, so the tape needs no gradient through either.
  const partial = tf.engine().runKernel(BN_STATS_KERNEL, { x }) as tf.Tensor;
  const stats: { mean?: tf.Tensor1D; variance?: tf.Tensor1D } = {};
  const normalize = tf.customGrad((...args) => {
    const [xt, g, b, s] = args.slice(0, shortcut ? 4 : 3) as tf.Tensor[];
    const saveFn = args[args.length - 1] as tf.GradSaveFunc;
    const inputs: tf.NamedTensorMap = { x: xt, partial, gamma: g, beta: b };
    if (s) inputs.shortcut = s;
    const [y, mean, variance] = tf.engine().runKernel(BN_APPLY_KERNEL, inputs, attrs) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    // customGrad runs this function in a tidy: keep μ and σ² past it (cloned into the caller's
    // scope below, so that a tidy of the caller's frees them like any other result).
    Object.assign(stats, { mean: tf.keep(mean), variance: tf.keep(variance) });
    // With a shortcut the ReLU's mask comes from y (BN + shortcut), which the gradient reads.
    saveFn(s ? [xt, g, b, mean, variance, y] : [xt, g, b, mean, variance]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sb, sm, sv, sy] = saved;
        const gradInputs: tf.NamedTensorMap = { x: sx, dy, mean: sm, variance: sv, gamma: sg, beta: sb };
        if (sy) gradInputs.y = sy;
        return tf.engine().runKernel(BN_GRAD_KERNEL, gradInputs, attrs) as tf.Tensor[];
      },
    };
  });
  const y = (shortcut ? normalize(x, gamma, beta, shortcut) : normalize(x, gamma, beta)) as tf.Tensor4D;
  partial.dispose();
  const { mean, variance } = stats;
  if (!mean || !variance) throw new Error('fusedBatchNorm: the apply kernel returned no mean and variance');
  // Clones share the buffers (no dispatch); the kept originals are let go.
  const result = { y, mean: tf.clone(mean), variance: tf.clone(variance) };
  tf.dispose([mean, variance]);
  return result;
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
