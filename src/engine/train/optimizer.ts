/**
 * SGD with (Nesterov) momentum and L2 weight decay, as PyTorch's torch.optim.SGD: the decay
 * term wd·w is added to the gradient, buf ← μ·buf + g, and the step is g + μ·buf (Nesterov) or
 * buf. Weight decay applies per parameter group ('no bias decay' removes biases and BN γ, β).
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimConfig } from '../config';
import type { ParamInfo } from '../tricks/types';

export interface Sgd {
  /**
   * Applies gradients (same order as params) at learning rate `lr`. With `gate` (a bool scalar
   * on the device), a false gate leaves weights and momentum unchanged: a skipped step.
   */
  apply(grads: tf.Tensor[], lr: number, gate?: tf.Scalar): void;
  dispose(): void;
}

/** Creates the optimiser; `decays(p)` says whether parameter p gets weight decay. */
export function createSgd(config: OptimConfig, params: ParamInfo[], decays: (p: ParamInfo) => boolean): Sgd {
  const buffers = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  const wd = params.map((p) => (decays(p) ? config.weightDecay : 0));
  const mu = config.momentum;
  return {
    apply(grads, lr, gate) {
      tf.tidy(() => {
        const keep = <T extends tf.Tensor>(next: T, old: T): T => (gate ? (tf.where(gate, next, old) as T) : next);
        params.forEach((p, i) => {
          const w = p.variable;
          const g = wd[i] > 0 ? tf.add(grads[i], tf.mul(w, wd[i])) : grads[i];
          const buf = tf.add(tf.mul(buffers[i], mu), g);
          const update = config.nesterov ? tf.add(g, tf.mul(buf, mu)) : buf;
          buffers[i].assign(keep(buf, buffers[i]));
          w.assign(keep(tf.sub(w, tf.mul(update, lr)), w));
        });
      });
    },
    dispose() {
      for (const b of buffers) b.dispose();
    },
  };
}
