/** What every model exposes to the training loop. */
import type * as tf from '@tensorflow/tfjs';
import type { ParamInfo } from '../tricks/types';
import type { ForwardContext } from './layers';

export interface Model {
  /** Trainable parameters, tagged by kind (for weight-decay groups and zero γ). */
  params: ParamInfo[];
  /** Non-trainable state: BatchNorm running means and variances. */
  buffers: tf.Variable[];
  /** Logits for an NHWC batch; training mode records BatchNorm batch statistics in ctx. */
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D;
}
