/**
 * WGSL programs for training-mode BatchNorm (Ioffe & Szegedy 2015) over NHWC activations seen
 * as a matrix [R = N·H·W rows, C channels], with an optional fused ReLU. Stock tfjs spends ~20
 * small dispatches per BN layer (moments, batchNorm, ReLU, and their gradients); here the
 * forward pass is 4 dispatches and the backward 5, each a reduction or one elementwise sweep:
 *
 *   forward:  partial (Σ(x−s), Σ(x−s)²) per row slice → mean, variance → y = γ·x̂ + β [, ReLU]
 *   backward: partial (Σg, Σg·x̂) per row slice → Σg = dβ, Σg·x̂ = dγ, both as [2, C] →
 *             dx = γ/σ · (g − dβ/R − x̂·dγ/R),   g = dy (masked by y > 0 when ReLU is fused)
 *
 * x̂ = (x − μ)/σ, σ = √(var + ε); the variance is the biased batch variance used to normalise.
 * The first pass subtracts a per-channel shift s = x[0, c] before squaring, so E[(x−s)²] −
 * E[x−s]² does not cancel catastrophically when |μ| ≫ σ (shifted-data variance, Chan et al. 1983).
 *
 * Longer than most files (about 320 lines) on purpose: the forward and backward passes share their
 * reduction layout and shift, and split apart they would each have to restate it.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, intFields, ints, isCpuAdapter, LINEAR_WORKGROUP_ID, nextPow2, runProgram, type Uniform, type WebGPUBackend, type WebGPUProgram } from './program';

const THREADS = 256;
/** Most row slices on a CPU adapter. */
const CPU_SPLITS = 8;
/** Threads per finalize workgroup (one workgroup per output value). */
const FINALIZE_THREADS = 64;

/** Row slicing of the reduction: channel block width, row lanes, slices. */
export interface ReducePlan {
  /** Channels per workgroup (power of two, 4…64); the other THREADS/cb lanes split rows. */
  cb: number;
  /** Number of row slices (workgroups along y); the finalize pass sums them. */
  splits: number;
  rowsPerSplit: number;
}

/**
 * At least 16 rows per thread, at most 256 slices: at ResNet-20's first BN (batch 128, 32×32,
 * 16 channels: R = 131,072) that is 256 workgroups of 256 threads, enough loads in flight to
 * stream the 8 MB activation at a useful fraction of a large GPU's bandwidth. On a CPU adapter
 * (SwiftShader) `maxSplits` is small: there every workgroup is expensive to start.
 */
export function planReduce(R: number, C: number, maxSplits = 256): ReducePlan {
  const cb = Math.min(64, Math.max(4, nextPow2(C)));
  const lanes = THREADS / cb;
  const splits = Math.max(1, Math.min(maxSplits, Math.floor(R / (lanes * 16))));
  const rowsPerSplit = ceilDiv(R, splits);
  return { cb, splits: ceilDiv(R, rowsPerSplit), rowsPerSplit };
}

/** Per-channel inputs of the BN shaders, in binding order (β only where it is read). */
function perChannelNames(withBeta: boolean): string[] {
  return withBeta ? ['mean', 'variance', 'gamma', 'beta'] : ['mean', 'variance', 'gamma'];
}

/**
 * Pass 1 of both directions: per (slice, channel) partial sums, output [S, 2, C].
 * 'stats': Σ(x − s), Σ(x − s)²; 'grad': Σg, Σg·x̂.
 */
class PartialSumsProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = `${intFields('R', 'C', 'rowsPerSplit')} epsilon : f32,`;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [2], y: [0], z: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(
    C: number,
    private readonly plan: ReducePlan,
    private readonly mode: 'stats' | 'grad',
    private readonly relu: boolean,
  ) {
    // Every binding must be read by the shader ('auto' layouts drop unused ones): β only
    // matters for the ReLU mask.
    this.variableNames = mode === 'stats' ? ['x'] : ['x', 'dy', ...perChannelNames(relu)];
    this.outputShape = [plan.splits, 2, C];
    this.dispatch = [ceilDiv(C, plan.cb), plan.splits, 1];
    this.shaderKey = `tlBatchNormPartial_${mode}_${relu}_${plan.cb}`;
  }

  getUserCode(): string {
    const cb = this.plan.cb;
    const lanes = THREADS / cb;
    const setup = this.mode === 'stats'
      ? 'let shift = x[c];'
      : `let mu = mean[c];
         let invStd = inverseSqrt(variance[c] + uniforms.epsilon);
         let g0 = gamma[c];
         ${this.relu ? 'let b0 = beta[c];' : ''}`;
    const body = this.mode === 'stats'
      ? `let d = x[i] - shift;
         s1 = s1 + d;
         s2 = fma(d, d, s2);`
      : `let xHat = (x[i] - mu) * invStd;
         var g = dy[i];
         ${this.relu ? 'if (fma(g0, xHat, b0) <= 0.0) { g = 0.0; }' : ''}
         s1 = s1 + g;
         s2 = fma(g, xHat, s2);`;
    return `
      var<workgroup> sum1 : array<f32, ${THREADS}>;
      var<workgroup> sum2 : array<f32, ${THREADS}>;

      fn main() {
        let t = i32(localIndex);
        let c = i32(workgroupId.x) * ${cb} + t % ${cb};
        let lane = t / ${cb};
        let split = i32(workgroupId.y);
        let rowStart = split * uniforms.rowsPerSplit;
        let rowEnd = min(uniforms.R, rowStart + uniforms.rowsPerSplit);
        var s1 = 0.0;
        var s2 = 0.0;
        if (c < uniforms.C) {
          ${setup}
          for (var r = rowStart + lane; r < rowEnd; r = r + ${lanes}) {
            let i = r * uniforms.C + c;
            ${body}
          }
        }
        sum1[t] = s1;
        sum2[t] = s2;
        workgroupBarrier();
        for (var stride = ${lanes / 2}; stride > 0; stride = stride / 2) {
          if (lane < stride) {
            sum1[t] = sum1[t] + sum1[t + stride * ${cb}];
            sum2[t] = sum2[t] + sum2[t + stride * ${cb}];
          }
          workgroupBarrier();
        }
        if (lane == 0 && c < uniforms.C) {
          result[(split * 2) * uniforms.C + c] = sum1[t];
          result[(split * 2 + 1) * uniforms.C + c] = sum2[t];
        }
      }
    `;
  }
}

/**
 * What pass 2 produces from the [S, 2, C] partials: 'mean' and 'variance' → [C] (the mean
 * reads x to add the shift back; the variance does not depend on it), 'row0'/'row1' → [C] (Σ over slices of one row), 'rows' → [2, C] (both).
 */
type FinalizeMode = 'mean' | 'variance' | 'row0' | 'row1' | 'rows';

/**
 * Pass 2: one 64-thread workgroup per output value; the threads split the S slices and combine
 * their sums in a tree (a serial loop over up to 256 slices would be 256 dependent loads).
 */
class FinalizeProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = intFields('R', 'C', 'splits', 'count');
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FINALIZE_THREADS, 1, 1];

  constructor(
    readonly C: number,
    private readonly mode: FinalizeMode,
  ) {
    this.variableNames = mode === 'mean' ? ['partial', 'x'] : ['partial'];
    this.outputShape = mode === 'rows' ? [2, C] : [C];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.dispatch = [this.count, 1, 1];
    this.shaderKey = `tlBatchNormFinalize_${mode}`;
  }

  /** Output values (= workgroups). */
  get count(): number {
    return this.mode === 'rows' ? 2 * this.C : this.C;
  }

  getUserCode(): string {
    // Which partial row each of the two running sums reads ('' = unused).
    const [rowA, rowB] = { mean: ['0', ''], variance: ['0', '1'], row0: ['0', ''], row1: ['1', ''], rows: ['row', ''] }[this.mode];
    const finish = {
      mean: 'x[c] + a / f32(uniforms.R)',
      variance: 'max(b / f32(uniforms.R) - (a / f32(uniforms.R)) * (a / f32(uniforms.R)), 0.0)',
      row0: 'a',
      row1: 'a',
      rows: 'a',
    }[this.mode];
    const n = FINALIZE_THREADS;
    return `
      var<workgroup> sumA : array<f32, ${n}>;
      var<workgroup> sumB : array<f32, ${n}>;

      fn main(index : i32) {
        let o = ${LINEAR_WORKGROUP_ID};
        let lane = i32(localIndex);
        let row = o / uniforms.C;
        let c = o - row * uniforms.C;
        var a = 0.0;
        var b = 0.0;
        for (var p = lane; p < uniforms.splits; p = p + ${n}) {
          a = a + partial[(p * 2 + ${rowA}) * uniforms.C + c];
          ${rowB ? `b = b + partial[(p * 2 + ${rowB}) * uniforms.C + c];` : ''}
        }
        sumA[lane] = a;
        sumB[lane] = b;
        workgroupBarrier();
        for (var stride = ${n / 2}; stride > 0; stride = stride / 2) {
          if (lane < stride) {
            sumA[lane] = sumA[lane] + sumA[lane + stride];
            sumB[lane] = sumB[lane] + sumB[lane + stride];
          }
          workgroupBarrier();
        }
        if (lane == 0 && o < uniforms.count) {
          let a = sumA[0];
          let b = sumB[0];
          result[o] = ${finish};
        }
      }
    `;
  }
}

/** Runs pass 2 in `mode` over `partial` (and x for the shift). */
function finalize(backend: WebGPUBackend, mode: FinalizeMode, partial: TensorInfo, xRows: TensorInfo, R: number, C: number, splits: number): TensorInfo {
  const program = new FinalizeProgram(C, mode);
  const inputs = mode === 'mean' ? [partial, xRows] : [partial];
  return runProgram(backend, program, inputs, ints(R, C, splits, program.count));
}

/** Elementwise: y = γ·x̂ + β [, ReLU] (forward) or dx (backward), one thread per element. */
class ElementwiseProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = 'C : i32, R : i32, epsilon : f32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;

  constructor(
    shape: number[],
    private readonly mode: 'apply' | 'gradInput',
    private readonly relu: boolean,
  ) {
    this.variableNames = mode === 'apply' ? ['x', ...perChannelNames(true)] : ['x', 'dy', ...perChannelNames(relu), 'sums'];
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const count = shape.reduce((a, b) => a * b, 1);
    this.dispatch = [ceilDiv(count, THREADS), 1, 1];
    this.shaderKey = `tlBatchNorm_${mode}_${relu}`;
  }

  getUserCode(): string {
    const body = this.mode === 'apply'
      ? `let yv = fma(gamma[c] * invStd, x[index] - mean[c], beta[c]);
         result[index] = ${this.relu ? 'max(yv, 0.0)' : 'yv'};`
      : `let xHat = (x[index] - mean[c]) * invStd;
         var g = dy[index];
         ${this.relu ? 'if (fma(gamma[c], xHat, beta[c]) <= 0.0) { g = 0.0; }' : ''}
         let invR = 1.0 / f32(uniforms.R);
         result[index] = gamma[c] * invStd * (g - sums[c] * invR - xHat * sums[uniforms.C + c] * invR);`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.C;
        let invStd = inverseSqrt(variance[c] + uniforms.epsilon);
        ${body}
      }
    `;
  }
}

/** x viewed as [R, C] (no copy: same buffer, another shape). */
function asRows(x: TensorInfo): { view: TensorInfo; R: number; C: number } {
  const C = x.shape[x.shape.length - 1];
  const R = x.shape.reduce((a, b) => a * b, 1) / C;
  return { view: { dataId: x.dataId, shape: [R, C], dtype: x.dtype }, R, C };
}

const withEps = (u: Uniform[], epsilon: number): Uniform[] => [...u, { type: 'float32', data: [epsilon] }];

/** Batch mean and biased variance over all axes but the last, as [C] tensors: 3 dispatches. */
export function batchNormStats(backend: WebGPUBackend, x: TensorInfo): [TensorInfo, TensorInfo] {
  const { view, R, C } = asRows(x);
  const plan = planReduce(R, C, isCpuAdapter(backend) ? CPU_SPLITS : 256);
  const partial = runProgram(backend, new PartialSumsProgram(C, plan, 'stats', false), [view], withEps(ints(R, C, plan.rowsPerSplit), 0));
  const mean = finalize(backend, 'mean', partial, view, R, C, plan.splits);
  const variance = finalize(backend, 'variance', partial, view, R, C, plan.splits);
  backend.disposeData(partial.dataId);
  return [mean, variance];
}

/** y = γ·(x − μ)/√(σ² + ε) + β, optionally followed by ReLU: 1 dispatch. */
export function batchNormApply(
  backend: WebGPUBackend,
  inputs: { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo; beta: TensorInfo },
  epsilon: number,
  relu: boolean,
): TensorInfo {
  const { R, C } = asRows(inputs.x);
  const program = new ElementwiseProgram(inputs.x.shape, 'apply', relu);
  return runProgram(backend, program, [inputs.x, inputs.mean, inputs.variance, inputs.gamma, inputs.beta], withEps(ints(C, R), epsilon));
}

/**
 * Training-mode BN gradient [dx, dγ, dβ]: 5 dispatches. dγ and dβ are summed as [C] tensors
 * of their own (a slice of the [2, C] sums would cost a copy dispatch each just the same); the
 * dx pass reads the [2, C] sums because a shader may bind at most 8 storage buffers.
 */
export function batchNormGrad(
  backend: WebGPUBackend,
  inputs: { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo; beta: TensorInfo },
  epsilon: number,
  relu: boolean,
): [TensorInfo, TensorInfo, TensorInfo] {
  const { view, R, C } = asRows(inputs.x);
  const dyView = asRows(inputs.dy).view;
  const plan = planReduce(R, C, isCpuAdapter(backend) ? CPU_SPLITS : 256);
  const perChannel = relu ? [inputs.mean, inputs.variance, inputs.gamma, inputs.beta] : [inputs.mean, inputs.variance, inputs.gamma];
  const partial = runProgram(backend, new PartialSumsProgram(C, plan, 'grad', relu), [view, dyView, ...perChannel], withEps(ints(R, C, plan.rowsPerSplit), epsilon));
  const sums = finalize(backend, 'rows', partial, view, R, C, plan.splits);
  const dBeta = finalize(backend, 'row0', partial, view, R, C, plan.splits);
  const dGamma = finalize(backend, 'row1', partial, view, R, C, plan.splits);
  backend.disposeData(partial.dataId);
  const dx = runProgram(backend, new ElementwiseProgram(inputs.x.shape, 'gradInput', relu), [inputs.x, inputs.dy, ...perChannel, sums], withEps(ints(C, R), epsilon));
  backend.disposeData(sums.dataId);
  return [dx, dGamma, dBeta];
}
