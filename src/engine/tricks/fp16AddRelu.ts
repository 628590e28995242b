/**
 * FP16 (He et al. 2019, §3.2; Micikevicius et al. 2018) on WebGPU with the 'custom' kernels: a
 * residual block's tail ReLU(BN(x) + shortcut) as a half network stores it — the BatchNorm output
 * rounded to half, the sum rounded, then the ReLU — in ONE dispatch, and its gradient in one,
 * where the separate ops take 4 each way (rounding, addition, rounding, ReLU; ReLU's gradient is
 * a step and a product, then two roundings).
 *
 * Same numbers as those ops, bit for bit: z = relu(round(round(y) + s)) with tfjs's ReLU
 * (select(a, 0, a < 0): NaN and −0 pass); the gradient is round(dz·step(z)) with tfjs's step
 * (NaN passes), and it is the gradient of both y and s: the straight-through rounding of the sum
 * gives round(·), and rounding it again for round(y) changes nothing (rounding is idempotent).
 * The shortcut needs no rounding: it is a half already (a block's output, or a rounded BatchNorm).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, runProgram, type WebGPUBackend, type WebGPUProgram } from '../kernels/program';
import { usesCustomKernels, type KernelSet } from '../kernels/registry';
import { ROUND_HALF_FN } from './fp16Kernel';

/** inputs {y, shortcut} (float32, one shape); output relu(round(round(y) + shortcut)). */
export const HALF_ADD_RELU_KERNEL = 'TrickLabHalfAddRelu';
/** inputs {dz, z} (z the forward output); output round(dz·step(z)), the gradient of y and of the shortcut. */
export const HALF_ADD_RELU_GRAD_KERNEL = 'TrickLabHalfAddReluGrad';

const WORKGROUP = 128;

const FORWARD = `${ROUND_HALF_FN}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let v = tricklabRoundHalf(tricklabRoundHalf(y[index]) + shortcut[index]);
      result[index] = select(v, 0.0, v < 0.0);
    }
  }
`;

const GRADIENT = `${ROUND_HALF_FN}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let o = z[index];
      // tfjs's step: 1 above zero, else 0, NaN passing (a bit test, immune to fast-math).
      var step = select(0.0, 1.0, o > 0.0);
      if ((bitcast<u32>(o) & 0x7fffffffu) > 0x7f800000u) {
        step = o;
      }
      result[index] = tricklabRoundHalf(dz[index] * step);
    }
  }
`;

/** An elementwise program over two inputs of `shape` (flat dispatch). */
function program(shape: number[], inputs: [string, string], key: string, code: string): WebGPUProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    outputShape: shape,
    shaderKey: key,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [ceilDiv(size, WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames: inputs,
    size: true,
    getUserCode: () => code,
  };
}

function checked(name: string, a: TensorInfo, b: TensorInfo): number[] {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`${name}: expected float32 inputs, got ${a.dtype} and ${b.dtype}`);
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`${name}: inputs of shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]; expected one shape`);
  return a.shape;
}

let registered = false;

/** Registers both kernels for 'webgpu' and the forward's gradient (idempotent). */
function register(): void {
  if (registered) return;
  type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackend };
  const kernels: [string, (args: Args) => TensorInfo][] = [
    [HALF_ADD_RELU_KERNEL, ({ inputs: { y, shortcut }, backend }) =>
      runProgram(backend, program(checked(HALF_ADD_RELU_KERNEL, y, shortcut), ['y', 'shortcut'], 'tricklab_half_add_relu', FORWARD), [y, shortcut], [])],
    [HALF_ADD_RELU_GRAD_KERNEL, ({ inputs: { dz, z }, backend }) =>
      runProgram(backend, program(checked(HALF_ADD_RELU_GRAD_KERNEL, dz, z), ['dz', 'z'], 'tricklab_half_add_relu_grad', GRADIENT), [dz, z], [])],
  ];
  for (const [kernelName, f] of kernels) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: f as unknown as KernelFunc });
  }
  if (!tf.getGradient(HALF_ADD_RELU_KERNEL)) {
    tf.registerGradient({
      kernelName: HALF_ADD_RELU_KERNEL,
      outputsToSave: [true],
      gradFunc: (dz, saved) => {
        const d = tf.engine().runKernel(HALF_ADD_RELU_GRAD_KERNEL, { dz: dz as tf.Tensor, z: saved[0] }) as tf.Tensor;
        // One gradient for both inputs; each gets its own handle (tfjs may dispose either).
        return { y: () => d.clone(), shortcut: () => d.clone() };
      },
    });
  }
  registered = true;
}

/**
 * The residual tail relu(round(round(y) + shortcut)) in one kernel, differentiable, where this
 * kernel set has it (ours on WebGPU); null elsewhere (round, add, round and ReLU apart).
 */
export function halfAddRelu(kernels: KernelSet): ((y: tf.Tensor4D, shortcut: tf.Tensor4D) => tf.Tensor4D) | null {
  if (!usesCustomKernels(kernels)) return null;
  register();
  return (y, shortcut) => tf.engine().runKernel(HALF_ADD_RELU_KERNEL, { y, shortcut }) as tf.Tensor4D;
}
