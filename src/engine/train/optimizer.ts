/**
 * SGD with (Nesterov) momentum and L2 weight decay, as PyTorch's torch.optim.SGD: the decay
 * term wd·w is added to the gradient, buf ← μ·buf + g, and the step is g + μ·buf (Nesterov) or
 * buf. Weight decay applies per parameter group ('no bias decay' removes biases and BN γ, β).
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimConfig } from '../config';
import type { ParamInfo } from '../tricks/types';
import type { KernelSet } from '../kernels/registry';
import { sgdMomentumUpdate } from '../kernels/updates';

export interface Sgd {
  /**
   * Applies gradients (same order as params) at learning rate `lr`. With `gate` (a bool scalar
   * on the device), a false gate leaves weights and momentum unchanged: a skipped step.
   */
  apply(grads: tf.Tensor[], lr: number, gate?: tf.Scalar): void;
  /** The momentum buffers, one per parameter in order (a checkpoint saves and restores them). */
  readonly buffers: readonly tf.Variable[];
  dispose(): void;
}

/**
 * Creates the optimiser; `decays(p)` says whether parameter p gets weight decay; `kernels` is
 * the run's kernel set (config.run.kernels).
 */
export function createSgd(config: OptimConfig, params: ParamInfo[], decays: (p: ParamInfo) => boolean, kernels: KernelSet): Sgd {
  const buffers = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  const wd = params.map((p) => (decays(p) ? config.weightDecay : 0));
  const mu = config.momentum;
  return {
    buffers,
    apply(grads, lr, gate) {
      // One fused dispatch pair per parameter with 'custom' on WebGPU (kernels/updates.ts), tf ops elsewhere.
      params.forEach((p, i) => {
        sgdMomentumUpdate(p.variable, buffers[i], grads[i], { lr, momentum: mu, weightDecay: wd[i], nesterov: config.nesterov, gate, kernels });
      });
    },
    dispose() {
      for (const b of buffers) b.dispose();
    },
  };
}
