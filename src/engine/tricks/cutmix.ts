/**
 * CutMix (Yun et al. 2019, "CutMix: Regularization Strategy to Train Strong Classifiers with
 * Localizable Features", §3.1; not in He et al. 2019, but its natural successor to mixup): a
 * box of area ratio 1 − λ, λ ~ Beta(α, α), is cut from a shuffled copy of the batch and pasted
 * over each image; the labels are mixed in proportion to the pasted area. The box is centred
 * at a uniform random pixel and clipped to the image, so its actual area can be smaller than
 * asked: the labels use the clipped area, as the reference implementation does. One box per
 * batch, from the trick's own seeded stream. A batch is cut with probability `prob` (0.5 in the
 * paper's CIFAR recipe, `cutmix_prob`). With mixup also on, each batch is mixed by exactly one
 * of them: CutMix with probability `switchProb`, else mixup (timm's `switch_prob`, 0.5); the
 * switch then replaces `prob`, so every batch is mixed, as timm does with `mix_prob` 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { cutmixInfo } from './catalog';
import type { Batch, Trick } from './types';

/** A box of rows [y0, y1) and columns [x0, x1) inside an H×W image. */
export interface Box {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** Fraction of an H×W image that `box` covers. */
export function boxFraction(box: Box, h: number, w: number): number {
  return ((box.y1 - box.y0) * (box.x1 - box.x0)) / (h * w);
}

const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);

/**
 * The reference `rand_bbox`: side ratio √(1 − λ), centre uniform over the pixels, half-sides
 * ⌊cut/2⌋ on each side, clipped to the image.
 */
export function boxAround(h: number, w: number, lambda: number, cy: number, cx: number): Box {
  const ratio = Math.sqrt(1 - lambda);
  const halfH = Math.floor(Math.floor(h * ratio) / 2);
  const halfW = Math.floor(Math.floor(w * ratio) / 2);
  return { y0: clip(cy - halfH, h), y1: clip(cy + halfH, h), x0: clip(cx - halfW, w), x1: clip(cx + halfW, w) };
}

/** A random box for λ with its centre drawn from `rng`. */
export function randomBox(h: number, w: number, lambda: number, rng: Rng): Box {
  const cy = rng.int(h);
  const cx = rng.int(w);
  return boxAround(h, w, lambda, cy, cx);
}

/** Pastes `box` from the images reordered by `perm`; targets weighted by the box's area. */
export function cutMixBatch(batch: Batch, box: Box, perm: ArrayLike<number>): Batch {
  return tf.tidy(() => {
    const [, h, w] = batch.x.shape;
    const mask = new Float32Array(h * w);
    for (let y = box.y0; y < box.y1; y++) mask.fill(1, y * w + box.x0, y * w + box.x1);
    const m = tf.tensor4d(mask, [1, h, w, 1]);
    const index = tf.tensor1d(Array.from(perm), 'int32');
    const x = tf.add(tf.mul(batch.x, tf.sub(1, m)), tf.mul(tf.gather(batch.x, index), m)) as tf.Tensor4D;
    const pasted = boxFraction(box, h, w);
    const targets = tf.add(tf.mul(batch.targets, 1 - pasted), tf.mul(tf.gather(batch.targets, index), pasted)) as tf.Tensor2D;
    return { x, targets };
  });
}

/** Cut-and-paste patches between images, labels by area. */
export const cutmix: Trick = {
  ...cutmixInfo,
  // Every draw is made on every batch, cut or not, so the k-th batch's box is the same whatever else is on.
  mix: ({ n, h, w }, p, rt) => {
    const apply = rt.rng.next() < p.prob;
    const lambda = rt.rng.beta(p.alpha, p.alpha);
    const box = randomBox(h, w, lambda, rt.rng);
    const perm = rt.rng.permutation(n);
    return { apply, mix: (batch) => cutMixBatch(batch, box, perm) };
  },
  switchShare: (p) => p.switchProb,
};
