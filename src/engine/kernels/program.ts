/**
 * The small surface of tfjs's WebGPU backend that our kernels use: a program description
 * (WGSL source plus dispatch geometry, tfjs's `WebGPUProgram` interface) and a way to run it
 * through `backend.runWebGPUProgram`, so our shaders share the backend's pipeline cache, buffer
 * pool and command batching with the stock kernels. Only types are imported from
 * '@tensorflow/tfjs-backend-webgpu': importing its code would register the backend before
 * `navigator.gpu` exists in Node.
 *
 * How the backend wraps `getUserCode()` (tfjs-backend-webgpu/src/webgpu_program.ts): it
 * declares `result` (binding 0, the output), one read-only storage array per entry of
 * `variableNames` (bindings 1…), and a `uniforms` struct holding every shape, then the
 * program's own `uniforms` fields in the order of the uniform data passed to the run. The
 * entry point calls `main(index)` when `dispatchLayout` has only `x`, else `main()`; the
 * builtins are exposed as the private vars `localIndex`, `workgroupId`, `numWorkgroups`.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export type { WebGPUBackend, WebGPUProgram };

/** One program-defined uniform, as the backend packs them (scalars here: no alignment padding). */
export interface Uniform {
  type: 'int32' | 'uint32' | 'float32';
  data: number[];
}

/** Integer ceiling of a / b for positive b. */
export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Scalar int32 uniforms, in the order the program's `uniforms` string declares them. */
export function ints(...values: number[]): Uniform[] {
  return values.map((v) => ({ type: 'int32', data: [v] }));
}

/** `uniforms` declaration for scalar i32 fields, e.g. `M : i32, N : i32,`. */
export function intFields(...names: string[]): string {
  return names.map((n) => `${n} : i32,`).join(' ');
}

/** x viewed as a flat [R·C] vector, C its last axis (no copy: same buffer, another shape), with R and C. */
export function flatRows(x: TensorInfo): { view: TensorInfo; R: number; C: number } {
  const C = x.shape[x.shape.length - 1];
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { view: { dataId: x.dataId, shape: [size], dtype: x.dtype }, R: size / C, C };
}

/** `t` as a 1-D view of its buffer (no copy): how our kernels bind tensors, so one pipeline serves every shape. */
export function flat(t: TensorInfo): TensorInfo {
  return reshaped(t, [t.shape.reduce((a, b) => a * b, 1)]);
}

/** Threads per workgroup of the grid-stride register-tile kernels below. */
export const GRID_THREADS = 64;

/**
 * The frame of our register-tile kernels (forward conv, input gradient, the CPU adapters' filter
 * gradient): a flat vec4 output of `size` floats, a 1-D grid of `workgroups` × GRID_THREADS
 * threads that stride over the work items (so SwiftShader gets a few large workgroups and a GPU
 * one item per thread), and inputs read in `variableComponents` units (4: vec4s). Subclasses
 * give the inputs, uniforms, shader key and WGSL.
 */
export abstract class GridStrideProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract uniforms: string;
  abstract shaderKey: string;
  outputShape: number[];
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [GRID_THREADS, 1, 1];
  outputComponent = 4;

  constructor(size: number, workgroups: number, readonly variableComponents: number[]) {
    this.outputShape = [1, size];
    this.dispatch = [workgroups, 1, 1];
  }

  abstract getUserCode(): string;
}

/** `t` with another shape of the same size (the buffer is shared). */
export function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** `uniforms` followed by the f32 epsilon (the last field of the BN programs' uniforms). */
export function withEpsilon(uniforms: Uniform[], epsilon: number): Uniform[] {
  return [...uniforms, { type: 'float32', data: [epsilon] }];
}

/** Runs a program on the backend; the result is a TensorInfo owned by the caller. */
export function runProgram(
  backend: WebGPUBackend,
  program: WebGPUProgram,
  inputs: TensorInfo[],
  uniforms: Uniform[],
  dtype: DataType = 'float32',
): TensorInfo {
  return backend.runWebGPUProgram(program, inputs, dtype, uniforms);
}

let adapterClass: 'auto' | 'gpu' | 'cpu' = 'auto';

/**
 * Overrides the adapter detection below ('auto' restores it): tests on SwiftShader use 'gpu' to
 * run the work splits a GPU gets (many slices), so both plans are checked for correctness.
 */
export function setAdapterClass(kind: 'auto' | 'gpu' | 'cpu'): void {
  adapterClass = kind;
}

/**
 * Whether the adapter is a CPU implementation of WebGPU (SwiftShader, as in tests and CI). There
 * each workgroup costs milliseconds to start (its invocations run as coroutines), so kernels
 * that split work across many small workgroups for a GPU's sake should use a few large ones.
 */
export function isCpuAdapter(backend: WebGPUBackend): boolean {
  if (adapterClass !== 'auto') return adapterClass === 'cpu';
  const info = backend.adapterInfo as unknown as { vendor?: string; architecture?: string } | undefined;
  return /swiftshader|llvmpipe|lavapipe/i.test(`${info?.vendor ?? ''} ${info?.architecture ?? ''}`);
}

/**
 * WGSL: the index of this workgroup in a 1-D grid that the backend may have folded into 2-D
 * or 3-D when it exceeds maxComputeWorkgroupsPerDimension.
 */
export const LINEAR_WORKGROUP_ID = 'i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x)';

/**
 * WGSL: input `name` of a program declared a second time, read_write, as `alias`, so that one
 * dispatch can write more than its one `result` (tfjs binds each input, read-only, at binding
 * 1 + its index in `variableNames`; WGSL allows two variables at one binding when an entry point
 * uses only one of them). The program must reach that input through `alias` alone, and the
 * tensor bound there must be the kernel's own (made by it for this dispatch, or its scratch):
 * tfjs does not know that the dispatch wrote it.
 */
export function readWriteAlias(variableNames: readonly string[], name: string, alias: string): string {
  const i = variableNames.indexOf(name);
  if (i < 0) throw new Error(`readWriteAlias: '${name}' is not among the program's inputs (${variableNames.join(', ')})`);
  return `@group(0) @binding(${1 + i}) var<storage, read_write> ${alias} : array<f32>;`;
}
