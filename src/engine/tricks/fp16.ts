/**
 * Low-precision training, FP16 (He et al. 2019, §3.2 "Low-precision training"; the recipe is
 * Micikevicius et al. 2018, "Mixed Precision Training"): weights, activations and gradients in
 * IEEE half precision, an FP32 master copy of the weights for the update, and loss scaling so
 * that small gradients do not underflow. The scale is dynamic (as PyTorch's GradScaler): on an
 * overflow the step is skipped and the scale halved; after N clean steps it is doubled.
 *
 * EMULATED. tfjs has no float16 tensors, so values are stored in float32 and rounded to the
 * nearest half (round-to-nearest-even, ±Inf past 65504, subnormals down to 2^-24). This shows
 * the numerical effect of FP16 on training; it does not make training faster (the rounding is
 * extra work). On WebGPU the rounding is one WGSL kernel (fp16Kernel.ts), and with our
 * kernels every weight is rounded in one dispatch per pass (fp16Weights.ts) and a residual
 * block's rounded add and ReLU are one kernel (fp16AddRelu.ts); on every other backend it is
 * built from tf ops. Its gradient is straight-through: the derivative of the
 * rounding is taken as 1, and the incoming gradient is itself rounded to half, which is where
 * the loss scale matters (the scaled weight gradients are half; the unscale and the update are
 * in FP32 on the master weights, train/step.ts).
 *
 * What is rounded to half (model/layers.ts, se.ts): the weights as each layer uses them (conv,
 * dense, BatchNorm γ and β), the output of every conv, BatchNorm and dense layer, every
 * activation other than ReLU (which maps halves to halves), the residual addition, average
 * pooling (global and ResNet-D's 2×2), the SE gate and its product, and the gradient flowing
 * back through each of these. Kept in FP32, as mixed-precision training keeps them: the master
 * weights, momentum and the update; BatchNorm's batch statistics and running averages; the
 * accumulators of reductions (their results are rounded); the softmax cross-entropy loss and
 * the tricks' targets (label smoothing, mixup and CutMix mixing happen on the FP32 input).
 */
import * as tf from '@tensorflow/tfjs';
import { roundHalfWebGPU } from './fp16Kernel';
import { roundWeightsAtOnce } from './fp16Weights';
import { halfAddRelu } from './fp16AddRelu';
import { fp16Info, FP16_MAX_SCALE, FP16_MIN_SCALE } from './catalog';
import { createLossScaleArena, type LossScaleArena } from '../kernels/lossScaleArena';
import { usesCustomKernels } from '../kernels/registry';
import type { Numerics, Params, Trick } from './types';

/** Largest finite half: (2 − 2^-10) · 2^15. */
export const HALF_MAX = 65504;
/** Smallest normal half exponent: values below 2^-14 are subnormal (spacing 2^-24). */
const HALF_MIN_NORMAL_EXP = -14;
/** Mantissa bits of half. */
const HALF_MANTISSA_BITS = 10;

/**
 * Rounds float32 values to the nearest half with tf ops that every backend has: the exponent
 * e = ⌊log2|x|⌋ (corrected by one where log2 is inexact, clamped at −14 for subnormals), the
 * spacing 2^(e−10), `tf.round` (half to even) on x / spacing, then ±Inf beyond 65504.
 * NaN and ±Inf pass through. Not differentiable; see `roundHalf`.
 */
export function roundHalfOps<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const a = tf.maximum(tf.abs(x), 2 ** HALF_MIN_NORMAL_EXP);
    let e = tf.floor(tf.div(tf.log(a), Math.LN2));
    const p = tf.pow(2, e);
    e = tf.where(tf.greater(p, a), tf.sub(e, 1), tf.where(tf.lessEqual(tf.mul(p, 2), a), tf.add(e, 1), e));
    const spacing = tf.pow(2, tf.sub(e, HALF_MANTISSA_BITS));
    const rounded = tf.mul(tf.round(tf.div(x, spacing)), spacing);
    const overflowed = tf.where(tf.greater(tf.abs(rounded), HALF_MAX), tf.mul(tf.sign(x), Infinity), rounded);
    return tf.where(tf.isFinite(x), overflowed, x) as T;
  });
}

/** Rounds to half with the fastest implementation for the active backend (not differentiable). */
export function roundHalfRaw<T extends tf.Tensor>(x: T): T {
  return tf.getBackend() === 'webgpu' ? roundHalfWebGPU(x) : roundHalfOps(x);
}

/**
 * Rounds to half, differentiable straight-through: the backward pass passes the gradient on as
 * if the rounding were the identity, rounding that gradient to half too (gradients are FP16).
 */
export const roundHalf: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args) => ({
  value: roundHalfRaw(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => roundHalfRaw(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/**
 * Dynamic loss scaling on the device: a clean step counts towards doubling the scale after
 * `growthInterval` of them; an overflow halves it, resets the count and counts a skipped step.
 * No read-back. With 'custom' kernels on WebGPU the three variables are updated in place in one
 * dispatch (kernels/lossScaleArena.ts); elsewhere with tf ops (which give them new buffers),
 * with the same numbers.
 */
export function createFp16Numerics(p: Params): Numerics {
  const scale = tf.tidy(() => tf.variable(tf.scalar(p.initialScale), false));
  const clean = tf.tidy(() => tf.variable(tf.scalar(0), false));
  const hyper = { growthInterval: p.growthInterval, minScale: FP16_MIN_SCALE, maxScale: FP16_MAX_SCALE };
  // Built for the step's skipped counter on the first in-place update.
  let arena: { skipped: tf.Variable; arena: LossScaleArena } | null = null;
  const inPlace = (skipped: tf.Variable): LossScaleArena => {
    if (arena?.skipped !== skipped) {
      arena?.arena.dispose();
      arena = { skipped, arena: createLossScaleArena({ scale, clean, skipped }, hyper) };
    }
    return arena.arena;
  };
  return {
    round: roundHalf,
    roundWeights: roundWeightsAtOnce,
    addRelu: halfAddRelu,
    scale,
    state: [scale, clean],
    update(finite, skipped, kernels) {
      if (usesCustomKernels(kernels)) {
        const a = inPlace(skipped);
        if (a.usable()) return a.update(finite);
      }
      tf.tidy(() => {
        skipped.assign(tf.add(skipped, tf.sub(1, tf.cast(finite, 'float32'))));
        const count = tf.add(clean, 1);
        const grow = tf.greaterEqual(count, hyper.growthInterval);
        const grown = tf.where(grow, tf.minimum(tf.mul(scale, 2), hyper.maxScale), scale);
        scale.assign(tf.where(finite, grown, tf.maximum(tf.mul(scale, 0.5), hyper.minScale)) as tf.Scalar);
        clean.assign(tf.where(tf.logicalAnd(finite, tf.logicalNot(grow)), count, tf.zerosLike(count)) as tf.Scalar);
      });
    },
    dispose() {
      arena?.arena.dispose();
      scale.dispose();
      clean.dispose();
    },
  };
}

/** FP16 with an FP32 master copy and dynamic loss scaling (emulated). */
export const fp16: Trick = {
  ...fp16Info,
  numerics: (p) => createFp16Numerics(p),
};
