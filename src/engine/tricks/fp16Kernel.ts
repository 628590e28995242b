/**
 * Rounding float32 values to IEEE 754 binary16 ("half") on the WebGPU backend, for the FP16
 * trick (He et al. 2019, §3.2 "Low-precision training"). tfjs has no float16 tensors, so the
 * emulation keeps float32 storage and rounds the values; here one WGSL dispatch does it with
 * `pack2x16float`/`unpack2x16float`, registered as a tfjs kernel (`ROUND_HALF_KERNEL`) that
 * runs through the backend's program interface (src/engine/kernels/program.ts), so it shares
 * the backend's pipeline cache and command batching.
 *
 * WGSL leaves three corners of `pack2x16float` to the implementation, so the shader handles
 * them itself, bit for bit as IEEE round-to-nearest-even would:
 * - overflow: |x| ≥ 65520 (halfway between 65504, the largest half, and 2^16) becomes ±Inf;
 *   65504 < |x| < 65520 becomes ±65504 (packing a value outside half's range is undefined);
 * - subnormals (|x| < 2^-14): rounded to a multiple of 2^-24 with WGSL's `round`, which rounds
 *   half to even (some drivers flush half subnormals to zero when packing);
 * - NaN and ±Inf pass through unchanged (tested on the exponent bits, immune to fast-math).
 * Only types are imported from '@tensorflow/tfjs-backend-webgpu' (see program.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, runProgram, type WebGPUBackend, type WebGPUProgram } from '../kernels/program';

/** Name of our kernel in tfjs's registry: inputs { x } (float32), output the rounded x. */
export const ROUND_HALF_KERNEL = 'TrickLabRoundHalf';

const WORKGROUP = 128;

/** WGSL `tricklabRoundHalf(v : f32) -> f32`: v rounded to the nearest half (for our other FP16 kernels too). */
export const ROUND_HALF_FN = `
  fn tricklabRoundHalf(v : f32) -> f32 {
    let bits = bitcast<u32>(v);
    let sign = bits & 0x80000000u;
    if ((bits & 0x7f800000u) == 0x7f800000u) {
      return v; // NaN or ±Inf
    }
    let a = abs(v);
    if (a >= 65520.0) {
      return bitcast<f32>(sign | 0x7f800000u); // rounds past 65504: overflow to ±Inf
    }
    if (a > 65504.0) {
      return bitcast<f32>(sign | 0x477fe000u); // ±65504
    }
    if (a < 6.103515625e-5) {
      // Subnormal half: a multiple of 2^-24; v·2^24 and the product back are exact in f32.
      return round(v * 16777216.0) * 5.9604644775390625e-8;
    }
    return unpack2x16float(pack2x16float(vec2<f32>(v, 0.0))).x;
  }
`;

/** The WGSL body; `main(index)` is called once per element by the backend's wrapper. */
export const ROUND_HALF_WGSL = `${ROUND_HALF_FN}
  fn main(index : i32) {
    if (index < uniforms.size) {
      result[index] = tricklabRoundHalf(x[index]);
    }
  }
`;

/** The program for a tensor of `shape` (elementwise, flat dispatch). */
export function roundHalfProgram(shape: number[]): WebGPUProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    outputShape: shape,
    shaderKey: 'tricklab_round_half',
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [ceilDiv(size, WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    variableNames: ['x'],
    size: true,
    getUserCode: () => ROUND_HALF_WGSL,
  };
}

let registered = false;

/** Registers the kernel for the 'webgpu' backend (idempotent; harmless if WebGPU never loads). */
export function registerRoundHalfKernel(): void {
  if (registered || tf.getKernel(ROUND_HALF_KERNEL, 'webgpu')) {
    registered = true;
    return;
  }
  const kernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype !== 'float32') throw new Error(`${ROUND_HALF_KERNEL}: expected float32, got ${x.dtype}`);
    return runProgram(args.backend, roundHalfProgram(x.shape), [x], []);
  };
  tf.registerKernel({ kernelName: ROUND_HALF_KERNEL, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc });
  registered = true;
}

/** Rounds `x` to half precision with the WGSL kernel (the active backend must be 'webgpu'). */
export function roundHalfWebGPU<T extends tf.Tensor>(x: T): T {
  registerRoundHalfKernel();
  return tf.engine().runKernel(ROUND_HALF_KERNEL, { x }) as T;
}
