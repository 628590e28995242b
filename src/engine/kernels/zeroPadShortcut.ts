/**
 * The CIFAR ResNet's option-A shortcut (He et al. 2016, §4.2) with the run's kernel set: every
 * stride-th pixel from (0, 0), the input's channels in the middle of outC with ⌊extra/2⌋ zero
 * channels before them and the rest after (the common CIFAR code pads planes/4 on each side, the
 * same for 16→32→64). With 'custom' on WebGPU one kernel of ours each way (shortcutPrograms.ts,
 * its gradient registered in registry.ts); anywhere else a 1×1 stride-s average pool (exact
 * subsampling, differentiable everywhere) and tf.pad. Both give the same values, exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { ZERO_PAD_SHORTCUT_KERNEL, ZERO_PAD_SHORTCUT_TEE_KERNEL, usesCustomKernels, type KernelSet } from './registry';
import { channelsBefore } from './shortcutPrograms';

/** x [N, H, W, inC] subsampled by `stride` and zero-padded to `outC` channels (outC ≥ inC). */
export function zeroPadShortcut(x: tf.Tensor4D, stride: number, outC: number, kernels: KernelSet): tf.Tensor4D {
  const inC = x.shape[3];
  if (outC < inC) throw new Error(`zeroPadShortcut: ${inC} channels cannot be padded to ${outC}`);
  if (usesCustomKernels(kernels)) return tf.engine().runKernel(ZERO_PAD_SHORTCUT_KERNEL, { x }, { stride, outC }) as tf.Tensor4D;
  return tf.tidy(() => {
    const sub = stride > 1 ? tf.avgPool(x, 1, stride, 'valid') : x;
    const before = channelsBefore(inC, outC);
    return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [before, outC - inC - before]]);
  });
}

/**
 * [x, zeroPadShortcut(x)] for a block whose input feeds both its first conv and this shortcut.
 * With our kernels the first is x under a second handle (no copy), and the pair's gradient is one
 * dispatch that adds the conv's gradient into the shortcut's, where the tape would add the two
 * consumers' gradients in a dispatch of its own; elsewhere it is [x, zeroPadShortcut(x)].
 */
export function zeroPadShortcutTee(x: tf.Tensor4D, stride: number, outC: number, kernels: KernelSet): [tf.Tensor4D, tf.Tensor4D] {
  if (!usesCustomKernels(kernels)) return [x, zeroPadShortcut(x, stride, outC, kernels)];
  if (outC < x.shape[3]) throw new Error(`zeroPadShortcutTee: ${x.shape[3]} channels cannot be padded to ${outC}`);
  return tf.engine().runKernel(ZERO_PAD_SHORTCUT_TEE_KERNEL, { x }, { stride, outC }) as [tf.Tensor4D, tf.Tensor4D];
}
