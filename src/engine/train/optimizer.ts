/**
 * SGD with (Nesterov) momentum and L2 weight decay, as PyTorch's torch.optim.SGD: the decay
 * term wd·w is added to the gradient, buf ← μ·buf + g, and the step is g + μ·buf (Nesterov) or
 * buf. Weight decay applies per parameter group ('no bias decay' removes biases and BN γ, β).
 * With the 'custom' kernel set on WebGPU the whole step is one dispatch over a flat arena of
 * all parameters, two with loss scaling (kernels/sgdArena.ts); elsewhere one update per
 * parameter (kernels/updates.ts), loss-scaled gradients unscaled and checked in tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimConfig } from '../config';
import type { ParamInfo } from '../tricks/types';
import type { KernelSet } from '../kernels/registry';
import { sgdMomentumUpdate } from '../kernels/updates';
import { createSgdArena } from '../kernels/sgdArena';
import { usesCustomKernels } from '../kernels/registry';

export interface Sgd {
  /**
   * Applies gradients (same order as params) at learning rate `lr`. With `gate` (a bool scalar
   * on the device), a false gate leaves weights and momentum unchanged: a skipped step.
   */
  apply(grads: tf.Tensor[], lr: number, gate?: tf.Scalar): void;
  /**
   * Applies loss-scaled gradients: each is divided by `scale` (a scalar tensor on the device,
   * at least 1), and the step is skipped (weights and momentum kept) unless all are finite, with
   * no read-back. Returns that flag, a bool scalar on the device (the caller disposes it).
   */
  applyScaled(grads: tf.Tensor[], lr: number, scale: tf.Tensor): tf.Scalar;
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
  const arena = createSgdArena(params.map((p, i) => ({ weight: p.variable, buffer: buffers[i], decayed: wd[i] !== 0 })));
  const hyper = (lr: number) => ({ lr, momentum: mu, weightDecay: config.weightDecay, nesterov: config.nesterov });
  const onArena = () => usesCustomKernels(kernels) && arena.usable();
  const apply = (grads: tf.Tensor[], lr: number, gate?: tf.Scalar) => {
    if (onArena()) {
      arena.step(grads, { ...hyper(lr), gate });
      return;
    }
    // Per parameter: tf ops, or (an arena too big for one binding) a dispatch pair each.
    params.forEach((p, i) => {
      sgdMomentumUpdate(p.variable, buffers[i], grads[i], { lr, momentum: mu, weightDecay: wd[i], nesterov: config.nesterov, gate, kernels });
    });
  };
  return {
    buffers,
    apply,
    applyScaled(grads, lr, scale) {
      if (onArena()) return arena.stepScaled(grads, hyper(lr), scale);
      return tf.tidy(() => {
        const inv = tf.div(1, scale);
        const unscaled = grads.map((x) => tf.mul(x, inv));
        const finite = tf.all(tf.stack(unscaled.map((x) => tf.all(tf.isFinite(x))))) as tf.Scalar;
        apply(unscaled, lr, finite);
        return finite;
      });
    },
    dispose() {
      arena.dispose();
      for (const b of buffers) b.dispose();
    },
  };
}
