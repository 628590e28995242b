/**
 * The model's 2-D convolution (NHWC, filters [kh, kw, in, out]) with the run's kernel set: with
 * 'custom' on WebGPU the forward pass is our kernel (conv2dForward.ts; tfjs's stock Conv2D for
 * geometries it does not take), whose registered gradient computes the
 * filter and input gradients with our kernels (registry.ts); anywhere else it is tf.conv2d,
 * differentiated by tfjs. Both give the same values.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV2D_KERNEL, usesCustomKernels, type KernelSet } from './registry';

/** Padding as tf.conv2d takes it. */
export type ConvPadding = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** y = x ⋆ filter at `stride`, as tf.conv2d(x, filter, stride, pad). */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, pad: ConvPadding, kernels: KernelSet): tf.Tensor4D {
  if (!usesCustomKernels(kernels)) return tf.conv2d(x, filter, stride, pad as 'valid');
  // The attributes tf.conv2d passes to the stock kernel.
  const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
  return tf.engine().runKernel(CONV2D_KERNEL, { x, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
