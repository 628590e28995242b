/**
 * The classifier head of a ResNet (He et al. 2016, §3.4: global average pooling, then a fully
 * connected layer) as one WGSL pass forward and two backward, where tf ops take four
 * (transpose, mean, matMul, add) and six (the mean's broadcast multiply and divide, the
 * matMuls for the input and the weights, the bias's transpose and sum):
 *
 *   forward:  z[n, k] = b[k] + Σ_c w[c, k] · p[n, c],  p[n, c] = (1/HW) Σ_q x[n, q, c]
 *   dx:       ∂L/∂x[n, q, c] = (1/HW) Σ_k dz[n, k] · w[c, k]
 *   dw, db:   ∂L/∂w[c, k] = Σ_n p[n, c] · dz[n, k],  ∂L/∂b[k] = Σ_n dz[n, k]
 *
 * x is NHWC with q = h·W + w. The weight and bias gradients are one pass over a [C + 1, K]
 * result whose last row is the bias's (its p is 1), split into the two tensors by buffer copies
 * (arena.ts copySlice: not dispatches). p is recomputed there from x rather than kept from the
 * forward pass: the head's input is kept for the backward pass anyway, p would be one more
 * output. Inputs are bound as 1-D views and every shape is a uniform, so each program compiles
 * one pipeline for every layer shape, batch and class count.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { copySlice } from './arena';
import { ceilDiv, intFields, ints, LINEAR_WORKGROUP_ID, reshaped, runProgram, type WebGPUBackend, type WebGPUProgram } from './program';

/** Threads per workgroup of the two reducing passes: the pooled values are staged 64 at a time. */
const LANES = 64;
/** Threads per workgroup of the elementwise dx pass. */
const THREADS = 256;

/**
 * The reducing passes' shared structure: a workgroup owns one output row and walks the reduced
 * axis in chunks of LANES, each lane first staging one pooled value of the chunk in workgroup
 * memory (`stage`, the value of chunk index `j` of row `row`), then each lane adding the chunk's
 * contribution to the columns k ≡ lane (mod LANES) of the row, which only it writes.
 */
function rowReduceSource(rows: string, chunked: string, stage: string, contribution: string, init: string): string {
  return `
    var<workgroup> staged : array<f32, ${LANES}>;

    fn main(index : i32) {
      // No early return for a spare workgroup (the barriers need every thread): it writes nothing.
      let row = ${LINEAR_WORKGROUP_ID};
      let live = row < ${rows};
      let lane = i32(localIndex);
      for (var j0 = 0; j0 < ${chunked}; j0 = j0 + ${LANES}) {
        let j = j0 + lane;
        var v = 0.0;
        if (live && j < ${chunked}) { ${stage} }
        staged[lane] = v;
        workgroupBarrier();
        let width = min(${LANES}, ${chunked} - j0);
        for (var k = lane; live && k < uniforms.K; k = k + ${LANES}) {
          let out = row * uniforms.K + k;
          var acc = 0.0;
          if (j0 == 0) { acc = ${init}; } else { acc = result[out]; }
          for (var t = 0; t < width; t = t + 1) {
            acc = fma(staged[t], ${contribution}, acc);
          }
          result[out] = acc;
        }
        workgroupBarrier();
      }
    }
  `;
}

/** WGSL: v = the mean over q of x[n, q, c]. */
const POOL = (n: string, c: string) => `
  let base = ${n} * uniforms.HW * uniforms.C + ${c};
  for (var q = 0; q < uniforms.HW; q = q + 1) { v = v + x[base + q * uniforms.C]; }
  v = v / f32(uniforms.HW);
`;

/** Forward: one workgroup per image n; the chunks walk the channels. Output [N, K]. */
class PoolDenseProgram implements WebGPUProgram {
  variableNames = ['x', 'w', 'b'];
  uniforms = intFields('N', 'HW', 'C', 'K');
  outputShape: number[];
  shaderKey = 'tlPoolDense';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [LANES, 1, 1];

  constructor(N: number, K: number) {
    this.outputShape = [N, K];
    this.dispatch = [N, 1, 1];
  }

  getUserCode(): string {
    // staged[t] = p[row, j0 + t]; the weight is w[j0 + t, k].
    return rowReduceSource('uniforms.N', 'uniforms.C', POOL('row', 'j'), 'w[(j0 + t) * uniforms.K + k]', 'b[k]');
  }
}

/**
 * Weight and bias gradients: one workgroup per row c of [C + 1, K] (row C is the bias, p = 1);
 * the chunks walk the batch.
 */
class PoolDenseParamGradProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms = intFields('N', 'HW', 'C', 'K');
  outputShape: number[];
  shaderKey = 'tlPoolDenseParamGrad';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [LANES, 1, 1];

  constructor(C: number, K: number) {
    this.outputShape = [C + 1, K];
    this.dispatch = [C + 1, 1, 1];
  }

  getUserCode(): string {
    // staged[t] = p[j0 + t, row] (1 on the bias row); dy is dz[j0 + t, k].
    const stage = `if (row == uniforms.C) { v = 1.0; } else { ${POOL('j', 'row')} }`;
    return rowReduceSource('uniforms.C + 1', 'uniforms.N', stage, 'dy[(j0 + t) * uniforms.K + k]', '0.0');
  }
}

/** Input gradient: one thread per element of x, viewed as [N·HW, C]. */
class PoolDenseInputGradProgram implements WebGPUProgram {
  variableNames = ['w', 'dy'];
  uniforms = intFields('HW', 'C', 'K');
  outputShape: number[];
  shaderKey = 'tlPoolDenseInputGrad';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;

  constructor(rows: number, C: number) {
    this.outputShape = [rows, C];
    this.dispatch = [ceilDiv(rows * C, THREADS), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.C;
        let n = index / (uniforms.HW * uniforms.C);
        var s = 0.0;
        for (var k = 0; k < uniforms.K; k = k + 1) {
          s = fma(dy[n * uniforms.K + k], w[c * uniforms.K + k], s);
        }
        result[index] = s / f32(uniforms.HW);
      }
    `;
  }
}

const flat = (t: TensorInfo): TensorInfo => reshaped(t, [t.shape.reduce((a, b) => a * b, 1)]);

/** The head's sizes from x [N, H, W, C] and w [C, K]. */
function sizes(x: TensorInfo, w: TensorInfo): { N: number; HW: number; C: number; K: number } {
  const [N, H, W, C] = x.shape;
  if (w.shape[0] !== C) throw new Error(`poolDense: the weights have ${w.shape[0]} rows for ${C} channels`);
  return { N, HW: H * W, C, K: w.shape[1] };
}

/** Logits [N, K] = mean over H, W of x [N, H, W, C], times w [C, K], plus b [K]: 1 dispatch. */
export function poolDenseForward(backend: WebGPUBackend, x: TensorInfo, w: TensorInfo, b: TensorInfo): TensorInfo {
  const { N, HW, C, K } = sizes(x, w);
  return runProgram(backend, new PoolDenseProgram(N, K), [flat(x), flat(w), b], ints(N, HW, C, K));
}

/** ∂L/∂x [N, H, W, C] from dz [N, K] and w: 1 dispatch. */
export function poolDenseInputGrad(backend: WebGPUBackend, inputShape: number[], w: TensorInfo, dy: TensorInfo): TensorInfo {
  const [N, H, W, C] = inputShape;
  const K = w.shape[1];
  const dx = runProgram(backend, new PoolDenseInputGradProgram(N * H * W, C), [flat(w), flat(dy)], ints(H * W, C, K));
  return reshaped(dx, inputShape);
}

/** [∂L/∂w [C, K], ∂L/∂b [K]] from x and dz [N, K]: 1 dispatch and two buffer copies. */
export function poolDenseParamGrad(backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo): [TensorInfo, TensorInfo] {
  const [N, H, W, C] = x.shape;
  const K = dy.shape[1];
  const rows = runProgram(backend, new PoolDenseParamGradProgram(C, K), [flat(x), flat(dy)], ints(N, H * W, C, K));
  const out: [TensorInfo, TensorInfo] = [copySlice(backend, rows, 0, [C, K]), copySlice(backend, rows, C * K, [K])];
  backend.disposeData(rows.dataId);
  return out;
}
