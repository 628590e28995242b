/**
 * Mixup training (He et al. 2019, §5.4; Zhang et al. 2018): each batch is blended with a
 * shuffled copy of itself, x̂ = λ x_i + (1 − λ) x_j and ŷ = λ y_i + (1 − λ) y_j, with one
 * λ ~ Beta(α, α) per batch drawn from the trick's own seeded stream. The labels are soft, so
 * the loss is the soft-target cross-entropy (train/losses.ts). With label smoothing on, the
 * smoothed targets are what get mixed (the targets hook runs before this one). With CutMix also
 * on, each batch is mixed by one of the two, never both (CutMix's switch probability).
 */
import * as tf from '@tensorflow/tfjs';
import { mixupInfo } from './catalog';
import type { Batch, Trick } from './types';

/** Blends a batch with its rows reordered by `perm`, inputs and targets with the same λ. */
export function mixBatch(batch: Batch, lambda: number, perm: ArrayLike<number>): Batch {
  return tf.tidy(() => {
    const index = tf.tensor1d(Array.from(perm), 'int32');
    const mix = <T extends tf.Tensor>(a: T): T => tf.add(tf.mul(a, lambda), tf.mul(tf.gather(a, index), 1 - lambda)) as T;
    return { x: mix(batch.x), targets: mix(batch.targets) };
  });
}

/** Convex combinations of pairs of images and of their labels. */
export const mixup: Trick = {
  ...mixupInfo,
  mix: ({ n }, p, rt) => {
    const lambda = rt.rng.beta(p.alpha, p.alpha);
    const perm = rt.rng.permutation(n);
    return { apply: true, mix: (batch) => mixBatch(batch, lambda, perm) };
  },
};
