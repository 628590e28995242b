/**
 * Label smoothing (He et al. 2019, §5.2; Szegedy et al. 2016): instead of a one-hot target the
 * true class gets q = 1 − ε and every other class ε/(K − 1), so the optimum no longer needs
 * logits that run off to infinity and the gap between the true logit and the rest stays finite.
 * The formula is the paper's; rows still sum to 1. With mixup or CutMix on, the smoothed
 * targets are what they mix (this hook runs before theirs, train/step.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { labelSmoothingInfo } from './catalog';
import type { Trick } from './types';

/** q_i = 1 − ε on the true class, ε/(K − 1) elsewhere, for one-hot rows of K classes. */
export function smoothTargets(oneHot: tf.Tensor2D, epsilon: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k = oneHot.shape[1];
    const off = k > 1 ? epsilon / (k - 1) : 0;
    // t·(1 − ε) + (1 − t)·ε/(K − 1), valid for soft rows as well.
    return tf.add(tf.mul(oneHot, 1 - epsilon - off), off) as tf.Tensor2D;
  });
}

/** Soft targets 1 − ε / ε/(K − 1). */
export const labelSmoothing: Trick = {
  ...labelSmoothingInfo,
  targets: (targets, p) => smoothTargets(targets, p.epsilon),
};
