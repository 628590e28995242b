/**
 * WGSL programs for training-mode BatchNorm (Ioffe & Szegedy 2015) over NHWC activations seen
 * as a matrix [R = N·H·W rows, C channels], with an optional fused ReLU. Stock tfjs spends ~20
 * small dispatches per BN layer (moments, batchNorm, ReLU, and their gradients); here each
 * direction is 3 dispatches, each a reduction or one sweep:
 *
 *   forward:  partial (Σ(x−s), Σ(x−s)²) per row slice → [mean; variance] →
 *             y = γ·x̂ + β [+ shortcut] [, ReLU]
 *   backward: partial (Σg, Σg·x̂) per row slice → [dβ = Σg; dγ = Σg·x̂] →
 *             dx = γ/σ · (g − dβ/R − x̂·dγ/R),   g = dy (masked by y > 0 when ReLU is fused)
 *   with a shortcut, g = dy·[y > 0] is one more pass first (it is also the shortcut's gradient)
 *
 * x̂ = (x − μ)/σ, σ = √(var + ε); the variance is the biased batch variance used to normalise.
 * The first pass subtracts a per-channel shift s = x[0, c] before squaring, so E[(x−s)²] −
 * E[x−s]² does not cancel catastrophically when |μ| ≫ σ (shifted-data variance, Chan et al. 1983).
 *
 * Why three and not fewer: a tfjs program writes one output, and the running averages and the
 * optimiser want μ, σ², dβ and dγ as tensors of their own. So one small "finalize" pass writes
 * both rows of a [2, C] result, and two buffer copies (no dispatch) make them two tensors. The dx
 * pass needs Σg and Σg·x̂ too: rather than wait for that pass (or bind dβ and dγ: with x, dy, μ,
 * σ², γ and β that is nine storage buffers, one over WebGPU's limit of eight) each dx workgroup
 * sums the partials of its own channels, on the same grid as the partial pass. A "last workgroup
 * finalizes" partial pass would save the finalize, but WGSL's atomics are relaxed and have no
 * device-scope fence, so the last workgroup is not guaranteed to see the others' partial sums.
 *
 * One pipeline per program, whatever the layer: every shape number (rows, channels, channel block,
 * slices) and the ReLU flag are uniforms, all inputs are bound as 1-D views, outputs have fixed
 * ranks and the grid is 1-D, so tfjs's pipeline key (shader key + ranks + broadcast pattern +
 * dispatch flatness) never varies with the layer. A ResNet compiles 7 BN pipelines (the five
 * here, the fused residual tail's sweep and ReLU gradient), not ~6 per distinct channel count.
 * Only THREADS (the workgroup size and its shared arrays) is baked in.
 *
 * The elementwise forward sweep (and the ReLU gradient of a fused residual tail) is in
 * batchNormApply.ts. This file is longer than most (about 350 lines) on purpose: the forward and
 * backward reductions share their layout and shift, and split apart each would restate them.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { copySlice } from './arena';
import { PER_CHANNEL, reluGrad } from './batchNormApply';
import { ceilDiv, flatRows, intFields, ints, isCpuAdapter, LINEAR_WORKGROUP_ID, nextPow2, reshaped, runProgram, withEpsilon, type Uniform, type WebGPUBackend, type WebGPUProgram } from './program';

const THREADS = 256;
/** Most row slices on a CPU adapter. */
const CPU_SPLITS = 8;
/** Threads per finalize workgroup (one workgroup per output value). */
const FINALIZE_THREADS = 64;

/** Row slicing of the reduction: channel block width, row lanes, slices. */
export interface ReducePlan {
  /** Channels per workgroup (power of two, 4…64); the other THREADS/cb lanes split rows. */
  cb: number;
  /** Number of row slices; the finalize passes sum them. */
  splits: number;
  rowsPerSplit: number;
}

/**
 * At least 16 rows per thread, at most 256 slices: at ResNet-20's first BN (batch 128, 32×32,
 * 16 channels: R = 131,072) that is 256 workgroups of 256 threads, enough loads in flight to
 * stream the 8 MB activation at a useful fraction of a large GPU's bandwidth. On a CPU adapter
 * (SwiftShader) `maxSplits` is small: there every workgroup is expensive to start.
 * The channel block is a uniform (not baked into the shader), so it can follow C freely: C ≤ 64
 * channels are one block, and a warp's loads cover whole rows.
 */
export function planReduce(R: number, C: number, maxSplits = 256): ReducePlan {
  const cb = Math.min(64, Math.max(4, nextPow2(C)));
  const lanes = THREADS / cb;
  const splits = Math.max(1, Math.min(maxSplits, Math.floor(R / (lanes * 16))));
  const rowsPerSplit = ceilDiv(R, splits);
  return { cb, splits: ceilDiv(R, rowsPerSplit), rowsPerSplit };
}

/** Uniform fields of the sliced passes (partial sums and dx): the layer's shape and plan. */
const SLICED_UNIFORMS = `${intFields('R', 'C', 'rowsPerSplit', 'cb', 'blocks', 'splits', 'relu')} epsilon : f32,`;

/**
 * WGSL shared by the sliced passes: workgroup w of the 1-D grid takes channel block w % blocks
 * and row slice w / blocks; thread t takes channel c = block·cb + t % cb and every lanes-th row
 * of the slice from its lane t / cb.
 */
const SLICE_SETUP = `
  let t = i32(localIndex);
  let w = ${LINEAR_WORKGROUP_ID};
  let cb = uniforms.cb;
  let lanes = ${THREADS} / cb;
  let c = (w % uniforms.blocks) * cb + t % cb;
  let lane = t / cb;
  let split = w / uniforms.blocks;
  let rowStart = split * uniforms.rowsPerSplit;
  let rowEnd = min(uniforms.R, rowStart + uniforms.rowsPerSplit);
  let inRange = c < uniforms.C && split < uniforms.splits;`;

/**
 * WGSL: laneSum(v, …) sums v over the lanes of each channel (a tree in workgroup memory) and
 * returns the channel's total to every thread of it. One 256-float array serves both sums, one
 * after the other: on SwiftShader a shader's compile time grows with its workgroup memory (about
 * 0.6 s per 1,024 floats), and two more barrier rounds cost a GPU next to nothing. The loop
 * bound comes from uniforms only, so the barriers sit in uniform control flow.
 */
const LANE_SUM = `
  var<workgroup> laneSums : array<f32, ${THREADS}>;

  fn laneSum(v : f32, t : i32, lane : i32, cb : i32) -> f32 {
    laneSums[t] = v;
    workgroupBarrier();
    for (var stride = ${THREADS} / uniforms.cb / 2; stride > 0; stride = stride / 2) {
      if (lane < stride) {
        laneSums[t] = laneSums[t] + laneSums[t + stride * cb];
      }
      workgroupBarrier();
    }
    let total = laneSums[t % cb];
    workgroupBarrier(); // every thread has read before the next sum overwrites
    return total;
  }`;

/** WGSL: x̂ and g (dy, zeroed where the fused ReLU's output was 0) at element i of channel c. */
const MASKED_GRAD = `
  let xHat = (x[i] - mu) * invStd;
  var g = dy[i];
  if (uniforms.relu != 0 && fma(g0, xHat, b0) <= 0.0) { g = 0.0; }`;

const CHANNEL_SETUP = `
  let mu = mean[c];
  let invStd = inverseSqrt(variance[c] + uniforms.epsilon);
  let g0 = gamma[c];
  let b0 = beta[c];`;

/** Launch geometry of a sliced pass: one workgroup per (channel block, row slice), as a 1-D grid. */
function slicedGrid(C: number, plan: ReducePlan): { blocks: number; dispatch: [number, number, number] } {
  const blocks = ceilDiv(C, plan.cb);
  return { blocks, dispatch: [blocks * plan.splits, 1, 1] };
}

/**
 * Pass 1 of both directions: per (slice, channel) partial sums, output [S, 2, C].
 * 'stats': Σ(x − s), Σ(x − s)²; 'grad': Σg, Σg·x̂.
 */
class PartialSumsProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = SLICED_UNIFORMS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(C: number, plan: ReducePlan, private readonly mode: 'stats' | 'grad') {
    this.variableNames = mode === 'stats' ? ['x'] : ['x', 'dy', ...PER_CHANNEL];
    this.outputShape = [plan.splits, 2, C];
    this.dispatch = slicedGrid(C, plan).dispatch;
    this.shaderKey = `tlBatchNormPartial_${mode}`;
  }

  getUserCode(): string {
    const body = this.mode === 'stats'
      ? `let d = x[i] - shift;
         s1 = s1 + d;
         s2 = fma(d, d, s2);`
      : `${MASKED_GRAD}
         s1 = s1 + g;
         s2 = fma(g, xHat, s2);`;
    return `
      ${LANE_SUM}

      fn main(index : i32) {
        ${SLICE_SETUP}
        var s1 = 0.0;
        var s2 = 0.0;
        if (inRange) {
          ${this.mode === 'stats' ? 'let shift = x[c];' : CHANNEL_SETUP}
          for (var r = rowStart + lane; r < rowEnd; r = r + lanes) {
            let i = r * uniforms.C + c;
            ${body}
          }
        }
        let total1 = laneSum(s1, t, lane, cb);
        let total2 = laneSum(s2, t, lane, cb);
        if (lane == 0 && inRange) {
          result[(split * 2) * uniforms.C + c] = total1;
          result[(split * 2 + 1) * uniforms.C + c] = total2;
        }
      }
    `;
  }
}

/** What a finalize pass makes of the [S, 2, C] partials (a uniform: one pipeline for both). */
const FINALIZE = { sums: 0, moments: 1 } as const;
type FinalizeMode = keyof typeof FINALIZE;

/**
 * Pass 2: [2, C] from the partials: 'sums' sums both rows over the slices (dβ, dγ); 'moments'
 * gives the mean (the shift x[0, c] added back) and the variance E[(x−s)²] − E[x−s]². One
 * 64-thread workgroup per channel; the threads split the S slices and combine their sums in a
 * tree (a serial loop over up to 256 slices would be 256 dependent loads). x is bound in both
 * modes, so they share one layout.
 */
class FinalizeProgram implements WebGPUProgram {
  variableNames = ['partial', 'x'];
  uniforms = intFields('R', 'C', 'splits', 'mode');
  /** [2, C]: a rank apart from x's 1-D view, so the pipeline key never depends on R. */
  outputShape: number[];
  shaderKey = 'tlBatchNormFinalize';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FINALIZE_THREADS, 1, 1];

  constructor(C: number) {
    this.outputShape = [2, C];
    this.dispatch = [C, 1, 1];
  }

  getUserCode(): string {
    const n = FINALIZE_THREADS;
    return `
      var<workgroup> sumA : array<f32, ${n}>;
      var<workgroup> sumB : array<f32, ${n}>;

      fn main(index : i32) {
        let c = ${LINEAR_WORKGROUP_ID};
        let lane = i32(localIndex);
        var a = 0.0;
        var b = 0.0;
        if (c < uniforms.C) {
          for (var p = lane; p < uniforms.splits; p = p + ${n}) {
            a = a + partial[(p * 2) * uniforms.C + c];
            b = b + partial[(p * 2 + 1) * uniforms.C + c];
          }
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
        if (lane == 0 && c < uniforms.C) {
          var v0 = sumA[0];
          var v1 = sumB[0];
          if (uniforms.mode == ${FINALIZE.moments}) {
            let invR = 1.0 / f32(uniforms.R);
            let m = v0 * invR;
            v0 = x[c] + m;
            v1 = max(v1 * invR - m * m, 0.0);
          }
          result[c] = v0;
          result[uniforms.C + c] = v1;
        }
      }
    `;
  }
}

/**
 * Backward sweep: dx on the partial pass's grid. Each workgroup first sums the [S, 2, C]
 * partials of its own channels (S·2 loads per channel, from cache: the partials are a few kB),
 * then writes dx for its row slice. On a GPU that is as many workgroups as the partial pass
 * (256 slices × channel blocks at ResNet-20's first stage, batch 128), fewer than the one thread
 * per element of the separate sweep it replaces; not yet timed on a GPU.
 */
class GradInputProgram implements WebGPUProgram {
  variableNames = ['x', 'dy', ...PER_CHANNEL, 'partial'];
  uniforms = SLICED_UNIFORMS;
  outputShape: number[];
  shaderKey = 'tlBatchNormGradInput';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(R: number, C: number, plan: ReducePlan) {
    this.outputShape = [R, C];
    this.dispatch = slicedGrid(C, plan).dispatch;
  }

  getUserCode(): string {
    return `
      ${LANE_SUM}

      fn main(index : i32) {
        ${SLICE_SETUP}
        var s1 = 0.0;
        var s2 = 0.0;
        if (inRange) {
          for (var p = lane; p < uniforms.splits; p = p + lanes) {
            s1 = s1 + partial[(p * 2) * uniforms.C + c];
            s2 = s2 + partial[(p * 2 + 1) * uniforms.C + c];
          }
        }
        let total1 = laneSum(s1, t, lane, cb);
        let total2 = laneSum(s2, t, lane, cb);
        if (inRange) {
          ${CHANNEL_SETUP}
          let invR = 1.0 / f32(uniforms.R);
          let meanG = total1 * invR;
          let meanGxHat = total2 * invR;
          let scale = g0 * invStd;
          for (var r = rowStart + lane; r < rowEnd; r = r + lanes) {
            let i = r * uniforms.C + c;
            ${MASKED_GRAD}
            result[i] = scale * (g - meanG - xHat * meanGxHat);
          }
        }
      }
    `;
  }
}

function planFor(backend: WebGPUBackend, R: number, C: number): ReducePlan {
  return planReduce(R, C, isCpuAdapter(backend) ? CPU_SPLITS : 256);
}

/** Uniforms of the sliced passes, in SLICED_UNIFORMS order. */
function slicedUniforms(R: number, C: number, plan: ReducePlan, relu: boolean, epsilon: number): Uniform[] {
  return withEpsilon(ints(R, C, plan.rowsPerSplit, plan.cb, slicedGrid(C, plan).blocks, plan.splits, relu ? 1 : 0), epsilon);
}

/**
 * Runs a finalize pass in `mode` over `partial` (x for the shift) and returns its two rows as
 * [C] tensors of their own: one dispatch, and two buffer copies (not dispatches: no pipeline,
 * uniform buffer or bind group) where a pass per row cost a dispatch each.
 */
function finalize(backend: WebGPUBackend, mode: FinalizeMode, partial: TensorInfo, xFlat: TensorInfo, R: number, C: number, splits: number): [TensorInfo, TensorInfo] {
  const partialFlat = reshaped(partial, [splits * 2 * C]);
  const rows = runProgram(backend, new FinalizeProgram(C), [partialFlat, xFlat], ints(R, C, splits, FINALIZE[mode]));
  const out: [TensorInfo, TensorInfo] = [copySlice(backend, rows, 0, [C]), copySlice(backend, rows, C, [C])];
  backend.disposeData(rows.dataId);
  return out;
}

/** Batch mean and biased variance over all axes but the last, as [C] tensors: 2 dispatches. */
export function batchNormStats(backend: WebGPUBackend, x: TensorInfo): [TensorInfo, TensorInfo] {
  const { view, R, C } = flatRows(x);
  const plan = planFor(backend, R, C);
  const partial = runProgram(backend, new PartialSumsProgram(C, plan, 'stats'), [view], slicedUniforms(R, C, plan, false, 0));
  const moments = finalize(backend, 'moments', partial, view, R, C, plan.splits);
  backend.disposeData(partial.dataId);
  return moments;
}

/**
 * Training-mode BN gradient [dx, dγ, dβ]: 3 dispatches (partial sums, [dβ; dγ] copied out as two
 * [C] tensors, dx); the dx pass sums the partials again for its channels.
 * Given the output `y` of a fused BN + shortcut + ReLU, the ReLU's gradient g = dy·[y > 0] is one
 * more dispatch and the fourth output (the shortcut's gradient), and the BN passes read g unmasked.
 */
export function batchNormGrad(
  backend: WebGPUBackend,
  inputs: { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo; beta: TensorInfo; y?: TensorInfo },
  epsilon: number,
  relu: boolean,
): TensorInfo[] {
  const { view, R, C } = flatRows(inputs.x);
  let dyView = flatRows(inputs.dy).view;
  let reluMask = relu;
  let g: TensorInfo | null = null;
  if (inputs.y) {
    g = reluGrad(backend, dyView, flatRows(inputs.y).view, R, C);
    dyView = reshaped(g, [R * C]);
    reluMask = false;
  }
  const plan = planFor(backend, R, C);
  const perChannel = [inputs.mean, inputs.variance, inputs.gamma, inputs.beta];
  const uniforms = slicedUniforms(R, C, plan, reluMask, epsilon);
  const partial = runProgram(backend, new PartialSumsProgram(C, plan, 'grad'), [view, dyView, ...perChannel], uniforms);
  const [dBeta, dGamma] = finalize(backend, 'sums', partial, view, R, C, plan.splits);
  const partialFlat = reshaped(partial, [plan.splits * 2 * C]);
  const dx = runProgram(backend, new GradInputProgram(R, C, plan), [view, dyView, ...perChannel, partialFlat], uniforms);
  backend.disposeData(partial.dataId);
  const grads = [reshaped(dx, inputs.x.shape), dGamma, dBeta];
  return g ? [...grads, reshaped(g, inputs.x.shape)] : grads;
}
