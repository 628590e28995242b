/**
 * Squeeze-and-excitation (Hu et al. 2018, "Squeeze-and-Excitation Networks"): global average
 * pool, a bottleneck of two dense layers (reduction 16, ReLU then sigmoid), and a per-channel
 * rescale of the block's output before the residual addition.
 */
import * as tf from '@tensorflow/tfjs';
import { dense, globalAvgPool, type ForwardContext, type ParamStore } from './layers';

/** Channel reduction ratio r of the SE bottleneck. */
export const SE_REDUCTION = 16;

export interface SeParams {
  reduce: { w: tf.Variable; b: tf.Variable };
  expand: { w: tf.Variable; b: tf.Variable };
}

/** SE parameters for `channels` channels (bottleneck at least 1 wide). */
export function createSe(store: ParamStore, name: string, channels: number): SeParams {
  const hidden = Math.max(1, Math.floor(channels / SE_REDUCTION));
  return { reduce: store.dense(`${name}.reduce`, channels, hidden), expand: store.dense(`${name}.expand`, hidden, channels) };
}

/** x · σ(W₂ ReLU(W₁ GAP(x))) per channel; the pool, the gate and the product at the emulated precision. */
export function squeezeExcite(ctx: ForwardContext, x: tf.Tensor4D, se: SeParams): tf.Tensor4D {
  const squeezed = globalAvgPool(ctx, x);
  const gate = ctx.round(tf.sigmoid(dense(ctx, tf.relu(dense(ctx, squeezed, se.reduce)), se.expand)));
  const [n, , , c] = x.shape;
  return ctx.round(tf.mul(x, tf.reshape(gate, [n, 1, 1, c]))) as tf.Tensor4D;
}
