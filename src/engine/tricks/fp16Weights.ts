/**
 * FP16 (He et al. 2019, §3.2; Micikevicius et al. 2018) on WebGPU with the 'custom' kernels:
 * every weight of the network rounded to half in ONE dispatch per pass, and their gradients in
 * one more, instead of one dispatch per weight each way (ResNet-20: 59 weights, 118 dispatches a
 * step). The weights are copied into one flat buffer (copies, not dispatches: kernels/arena.ts),
 * rounded by fp16Kernel.ts's program, and each is copied back out as its own tensor. The gradient
 * is fp16.ts's straight-through one with the incoming gradients rounded to half, all at once.
 *
 * Same numbers as rounding each weight where a layer uses it (roundHalf), as long as each weight
 * is used once per pass (true of every model here): a weight used twice would get round(dy₁ + dy₂)
 * instead of round(dy₁) + round(dy₂).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { arenaFits, copySlice, gather } from '../kernels/arena';
import { runProgram, type WebGPUBackend } from '../kernels/program';
import { usesCustomKernels, type KernelSet } from '../kernels/registry';
import { roundHalfProgram } from './fp16Kernel';

/** Name of our kernel: inputs [x₀ … xₖ] (float32), outputs each xᵢ rounded to half. */
export const ROUND_HALF_ALL_KERNEL = 'TrickLabRoundHalfAll';

/** Rounds every input to half: one gather, one dispatch, one copy out per input. */
function roundAll(backend: WebGPUBackend, xs: readonly TensorInfo[]): TensorInfo[] {
  const offsets: number[] = [];
  let total = 0;
  for (const x of xs) {
    if (x.dtype !== 'float32') throw new Error(`${ROUND_HALF_ALL_KERNEL}: expected float32, got ${x.dtype}`);
    offsets.push(total);
    total += tf.util.sizeFromShape(x.shape);
  }
  const flat = backend.makeTensorInfo([total], 'float32');
  gather(backend, flat, xs.map((tensor, i) => ({ tensor, offset: offsets[i] })));
  const rounded = runProgram(backend, roundHalfProgram([total]), [flat], []);
  const out = xs.map((x, i) => copySlice(backend, rounded, offsets[i], x.shape));
  // Their buffers stay owned by the pending commands until those are submitted (arena.ts).
  backend.disposeData(flat.dataId);
  backend.disposeData(rounded.dataId);
  return out;
}

/** The inputs of a kernel called with an array (keys '0' … 'k'), in order. */
const inOrder = (inputs: Record<string, TensorInfo>): TensorInfo[] => Object.keys(inputs).map((_, i) => inputs[i]);

let registered = false;

/** Registers the kernel for 'webgpu' and its gradient (idempotent). */
function register(): void {
  if (registered) return;
  if (!tf.getKernel(ROUND_HALF_ALL_KERNEL, 'webgpu')) {
    const kernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }) => roundAll(args.backend, inOrder(args.inputs));
    tf.registerKernel({ kernelName: ROUND_HALF_ALL_KERNEL, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc });
  }
  if (!tf.getGradient(ROUND_HALF_ALL_KERNEL)) {
    tf.registerGradient({
      kernelName: ROUND_HALF_ALL_KERNEL,
      // Straight-through, the gradients rounded to half: every weight's at once (a weight whose
      // output got no gradient gets zeros from tfjs, which round to zeros).
      gradFunc: (dy) => {
        const dys = Array.isArray(dy) ? dy : [dy];
        const rounded = tf.engine().runKernel(ROUND_HALF_ALL_KERNEL, dys as unknown as tf.NamedTensorMap) as tf.Tensor[];
        return Object.fromEntries(rounded.map((r, i) => [String(i), () => r]));
      },
    });
  }
  registered = true;
}

/**
 * The weights rounded to half for one pass, all at once, differentiable (straight-through, the
 * gradients rounded to half); keyed by variable. Null where it does not apply (another kernel
 * set or backend, or more weights than one storage binding holds): round each where it is used.
 */
export function roundWeightsAtOnce(weights: readonly tf.Variable[], kernels: KernelSet): Map<tf.Tensor, tf.Tensor> | null {
  if (!usesCustomKernels(kernels) || weights.length === 0) return null;
  const total = weights.reduce((s, w) => s + w.size, 0);
  if (!arenaFits(tf.backend() as unknown as WebGPUBackend, total)) return null;
  register();
  const rounded = tf.engine().runKernel(ROUND_HALF_ALL_KERNEL, weights as unknown as tf.NamedTensorMap) as tf.Tensor[];
  return new Map(weights.map((w, i) => [w as tf.Tensor, rounded[i]]));
}
