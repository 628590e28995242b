/**
 * WGSL programs for training-mode BatchNorm (Ioffe & Szegedy 2015) over NHWC activations seen
 * as a matrix [R = N·H·W rows, C channels], with an optional fused ReLU and residual add. Stock
 * tfjs spends ~20 small dispatches per BN layer (moments, batchNorm, ReLU, and their gradients);
 * here each direction is 2: a partial-sum pass over row slices, then a sweep on the same grid
 * whose workgroups first sum the partials of their own channels (S·2 loads per channel, from
 * cache: the partials are a few kB), so no pass of its own finalizes them:
 *
 *   forward:  partial (Σ(x−s), Σ(x−s)²) per row slice →
 *             μ, σ², then y = γ·x̂ + β [+ shortcut] [, ReLU]          (batchNormApply.ts)
 *   backward: partial (Σg, Σg·x̂) per row slice →
 *             dβ = Σg, dγ = Σg·x̂, then dx = γ/σ · (g − dβ/R − x̂·dγ/R)
 *   g = dy, zeroed where the fused ReLU's output was 0; with a shortcut that is read from the
 *   output y, and the partial pass also writes g (it is the shortcut's gradient). An output read
 *   by two consumers (a tee: a block input, by its conv and its identity shortcut) brings two
 *   dy, which the partial pass sums (masked by y) and writes as g for the dx pass.
 *
 * x̂ = (x − μ)/σ, σ = √(var + ε); the variance is the biased batch variance used to normalise.
 * The first pass subtracts a per-channel shift s = x[0, c] before squaring, so E[(x−s)²] −
 * E[x−s]² does not cancel catastrophically when |μ| ≫ σ (shifted-data variance, Chan et al. 1983).
 * Every workgroup of a channel sums its partials in the same order, so the μ and σ² each one
 * normalises with are the same numbers, bit for bit, as those written out.
 *
 * A tfjs program writes one output; the per-channel results (μ and σ² forward, the shortcut's
 * gradient in the fused tail's partial pass, dβ and dγ backward) are written by the workgroups
 * of the first row slice into tensors the kernel makes and binds as read_write inputs
 * (`readWriteAlias`, program.ts). Backward, dβ and dγ go to one more row of the partial buffer,
 * which two buffer copies (not dispatches) make tensors: the dx pass already binds x, dy, μ, σ²,
 * γ, β and the partials, and WebGPU guarantees only eight storage buffers per stage. A "last
 * workgroup finalizes" partial pass is not an option: WGSL's atomics are relaxed and have no
 * device-scope fence, so the last workgroup is not guaranteed to see the others' partial sums.
 *
 * One pipeline per program, whatever the layer: every shape number (rows, channels, channel block,
 * slices) and the ReLU flag are uniforms, all inputs are bound as 1-D views, outputs have fixed
 * ranks and the grid is 1-D, so tfjs's pipeline key (shader key + ranks + broadcast pattern +
 * dispatch flatness) never varies with the layer. A ResNet compiles 8 BN pipelines (statistics,
 * gradient partial sums masked by the BN, by y and by y with a tee, the forward sweep with and
 * without a shortcut, the dx sweep masked and given g), not ~6 per distinct channel count. Only THREADS (the
 * workgroup size and its shared arrays) is baked in.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { copySlice } from './arena';
import { ceilDiv, flatRows, intFields, ints, isCpuAdapter, LINEAR_WORKGROUP_ID, nextPow2, readWriteAlias, reshaped, runProgram, withEpsilon, type Uniform, type WebGPUBackend, type WebGPUProgram } from './program';

export const THREADS = 256;
/** Most row slices on a CPU adapter. */
const CPU_SPLITS = 8;

/** Row slicing of the reduction: channel block width, row lanes, slices. */
export interface ReducePlan {
  /** Channels per workgroup (power of two, 4…64); the other THREADS/cb lanes split rows. */
  cb: number;
  /** Number of row slices; the sweeps sum their partials. */
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

/** The plan for this backend's adapter (few slices on a CPU adapter). */
export function planFor(backend: WebGPUBackend, R: number, C: number): ReducePlan {
  return planReduce(R, C, isCpuAdapter(backend) ? CPU_SPLITS : 256);
}

/** Uniform fields of every BN pass: the layer's shape and plan. */
export const SLICED_UNIFORMS = `${intFields('R', 'C', 'rowsPerSplit', 'cb', 'blocks', 'splits', 'relu')} epsilon : f32,`;

/** Uniforms of the BN passes, in SLICED_UNIFORMS order. */
export function slicedUniforms(R: number, C: number, plan: ReducePlan, relu: boolean, epsilon: number): Uniform[] {
  return withEpsilon(ints(R, C, plan.rowsPerSplit, plan.cb, slicedGrid(C, plan).blocks, plan.splits, relu ? 1 : 0), epsilon);
}

/** Launch geometry of a BN pass: one workgroup per (channel block, row slice), as a 1-D grid. */
export function slicedGrid(C: number, plan: ReducePlan): { blocks: number; dispatch: [number, number, number] } {
  const blocks = ceilDiv(C, plan.cb);
  return { blocks, dispatch: [blocks * plan.splits, 1, 1] };
}

/**
 * WGSL shared by the passes: workgroup w of the 1-D grid takes channel block w % blocks and row
 * slice w / blocks; thread t takes channel c = block·cb + t % cb and every lanes-th row of the
 * slice from its lane t / cb. `first`: the thread that writes its channel's per-channel results.
 */
export const SLICE_SETUP = `
  let t = i32(localIndex);
  let w = ${LINEAR_WORKGROUP_ID};
  let cb = uniforms.cb;
  let lanes = ${THREADS} / cb;
  let c = (w % uniforms.blocks) * cb + t % cb;
  let lane = t / cb;
  let split = w / uniforms.blocks;
  let rowStart = split * uniforms.rowsPerSplit;
  let rowEnd = min(uniforms.R, rowStart + uniforms.rowsPerSplit);
  let inRange = c < uniforms.C && split < uniforms.splits;
  let first = inRange && split == 0 && lane == 0;`;

/**
 * WGSL: laneSum(v, …) sums v over the lanes of each channel (a tree in workgroup memory) and
 * returns the channel's total to every thread of it. One 256-float array serves both sums, one
 * after the other: on SwiftShader a shader's compile time grows with its workgroup memory (about
 * 0.6 s per 1,024 floats), and two more barrier rounds cost a GPU next to nothing. The loop
 * bound comes from uniforms only, so the barriers sit in uniform control flow.
 */
export const LANE_SUM = `
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

/**
 * WGSL: total1, total2 = channel c's two sums over the S slices of `partials` ([S, 2, C] first):
 * lane l takes slices l, l + lanes, …, then laneSum. Call it from every thread (it has barriers).
 */
export function sumPartials(partials: string): string {
  return `
    var p1 = 0.0;
    var p2 = 0.0;
    if (inRange) {
      for (var p = lane; p < uniforms.splits; p = p + lanes) {
        p1 = p1 + ${partials}[(p * 2) * uniforms.C + c];
        p2 = p2 + ${partials}[(p * 2 + 1) * uniforms.C + c];
      }
    }
    let total1 = laneSum(p1, t, lane, cb);
    let total2 = laneSum(p2, t, lane, cb);`;
}

/**
 * How a gradient pass finds g at element i: 'masked' = dy, zeroed where the fused ReLU (if
 * uniforms.relu) cut γ·x̂ + β; 'fromOutput' = dy where the fused ReLU's output y > 0, written out
 * too (the shortcut's gradient, or the dx pass's g); 'fromOutputTee' the same with dy + dy2, the
 * gradients of an output read by two consumers (a block input: its conv and its identity
 * shortcut), summed here instead of by a tape add; 'given' = dy as bound (g, already masked).
 */
type GradSource = 'masked' | 'fromOutput' | 'fromOutputTee' | 'given';

/**
 * The inputs a gradient pass binds before its own, by GradSource (β only to recompute the mask;
 * γ not in the partial sums from y, whose tee variant binds 7 buffers and its output, the 8
 * storage buffers WebGPU guarantees a stage).
 */
function gradInputs(source: GradSource): string[] {
  switch (source) {
    case 'fromOutput':
      return ['x', 'dy', 'y', 'mean', 'variance'];
    case 'fromOutputTee':
      return ['x', 'dy', 'dy2', 'y', 'mean', 'variance'];
    case 'masked':
      return ['x', 'dy', 'mean', 'variance', 'gamma', 'beta'];
    case 'given':
      return ['x', 'dy', 'mean', 'variance', 'gamma'];
  }
}

/** WGSL: channel c's μ and 1/σ, and γ where the pass binds it. */
function channelSetup(withGamma: boolean): string {
  return `
  let mu = mean[c];
  let invStd = inverseSqrt(variance[c] + uniforms.epsilon);
  ${withGamma ? 'let g0 = gamma[c];' : ''}`;
}

/** WGSL: x̂ and g at element i of channel c (after channelSetup). */
function gradAt(source: GradSource): string {
  const xHat = 'let xHat = (x[i] - mu) * invStd;';
  switch (source) {
    case 'masked':
      return `${xHat}
        var g = dy[i];
        if (uniforms.relu != 0 && fma(g0, xHat, beta[c]) <= 0.0) { g = 0.0; }`;
    case 'fromOutput':
    case 'fromOutputTee':
      return `${xHat}
        let g = select(0.0, ${source === 'fromOutputTee' ? 'dy[i] + dy2[i]' : 'dy[i]'}, y[i] > 0.0);
        gOut[i] = g;`;
    case 'given':
      return `${xHat}
        let g = dy[i];`;
  }
}

/** Whether a partial pass writes g out (a read_write input named g). */
function writesG(mode: 'stats' | GradSource): boolean {
  return mode === 'fromOutput' || mode === 'fromOutputTee';
}

/**
 * Pass 1 of both directions: per (slice, channel) partial sums, output [S (+ 1), 2, C].
 * 'stats': Σ(x − s), Σ(x − s)²; a gradient source: Σg, Σg·x̂, and a last row left for the dx
 * pass to write dβ and dγ into.
 */
class PartialSumsProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = SLICED_UNIFORMS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(C: number, plan: ReducePlan, private readonly mode: 'stats' | GradSource) {
    this.variableNames = mode === 'stats' ? ['x'] : writesG(mode) ? [...gradInputs(mode), 'g'] : gradInputs(mode);
    this.outputShape = [plan.splits + (mode === 'stats' ? 0 : 1), 2, C];
    this.dispatch = slicedGrid(C, plan).dispatch;
    this.shaderKey = `tlBatchNormPartial_${mode}`;
  }

  getUserCode(): string {
    const stats = this.mode === 'stats';
    const body = stats
      ? `let d = x[i] - shift;
         s1 = s1 + d;
         s2 = fma(d, d, s2);`
      : `${gradAt(this.mode as GradSource)}
         s1 = s1 + g;
         s2 = fma(g, xHat, s2);`;
    return `
      ${writesG(this.mode) ? readWriteAlias(this.variableNames, 'g', 'gOut') : ''}
      ${LANE_SUM}

      fn main(index : i32) {
        ${SLICE_SETUP}
        var s1 = 0.0;
        var s2 = 0.0;
        if (inRange) {
          ${stats ? 'let shift = x[c];' : channelSetup(this.mode === 'masked')}
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

/**
 * Pass 2 backward: dx on the partial pass's grid. Each workgroup sums the [S, 2, C] partials of
 * its own channels into dβ and dγ (the first row slice's workgroups write them to the partials'
 * last row, so the partials are reached read_write, as `partials`), then writes dx for its rows.
 */
class GradInputProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = SLICED_UNIFORMS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(R: number, C: number, plan: ReducePlan, private readonly source: 'masked' | 'given') {
    this.variableNames = [...gradInputs(source), 'partial'];
    this.outputShape = [R, C];
    this.dispatch = slicedGrid(C, plan).dispatch;
    this.shaderKey = source === 'masked' ? 'tlBatchNormGradInput' : 'tlBatchNormGradInputGiven';
  }

  getUserCode(): string {
    return `
      ${readWriteAlias(this.variableNames, 'partial', 'partials')}
      ${LANE_SUM}

      fn main(index : i32) {
        ${SLICE_SETUP}
        ${sumPartials('partials')}
        if (first) {
          // dβ = Σg and dγ = Σg·x̂ in the row after the slices' (which no workgroup reads).
          partials[(uniforms.splits * 2) * uniforms.C + c] = total1;
          partials[(uniforms.splits * 2 + 1) * uniforms.C + c] = total2;
        }
        if (inRange) {
          ${channelSetup(true)}
          let invR = 1.0 / f32(uniforms.R);
          let meanG = total1 * invR;
          let meanGxHat = total2 * invR;
          let scale = g0 * invStd;
          for (var r = rowStart + lane; r < rowEnd; r = r + lanes) {
            let i = r * uniforms.C + c;
            ${gradAt(this.source)}
            result[i] = scale * (g - meanG - xHat * meanGxHat);
          }
        }
      }
    `;
  }
}

/** Forward pass 1: the per-slice partial sums of x − x[0, c] and their squares, [S, 2, C]: 1 dispatch. */
export function batchNormPartials(backend: WebGPUBackend, x: TensorInfo): TensorInfo {
  const { view, R, C } = flatRows(x);
  const plan = planFor(backend, R, C);
  return runProgram(backend, new PartialSumsProgram(C, plan, 'stats'), [view], slicedUniforms(R, C, plan, false, 0));
}

/**
 * Training-mode BN gradient [dx, dγ, dβ]: 2 dispatches (partial sums; dx, whose workgroups also
 * write dβ and dγ) and two buffer copies of those. Given the output `y` of a fused ReLU, the
 * partial pass masks by y > 0 and writes that g out, which the dx pass reads unmasked; with
 * `shortcut` (a fused BN + shortcut + ReLU) g is also the fourth output, the shortcut's gradient.
 * `dy2` (needs y) is a second consumer's gradient of the output, added to dy in the same pass.
 */
export function batchNormGrad(
  backend: WebGPUBackend,
  inputs: { x: TensorInfo; dy: TensorInfo; dy2?: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo; beta: TensorInfo; y?: TensorInfo },
  options: { epsilon: number; relu: boolean; shortcut: boolean },
): TensorInfo[] {
  const { x, mean, variance, gamma, beta } = inputs;
  const { epsilon, relu } = options;
  const { view, R, C } = flatRows(x);
  const dy = flatRows(inputs.dy).view;
  const plan = planFor(backend, R, C);
  const tail = plan.splits * 2 * C;
  if ((inputs.dy2 || options.shortcut) && !inputs.y) throw new Error('batchNormGrad: a second output gradient or a shortcut needs the output y');
  let partial: TensorInfo;
  let g: TensorInfo | null = null;
  if (inputs.y) {
    g = backend.makeTensorInfo(x.shape, 'float32');
    const y = flatRows(inputs.y).view;
    const gView = reshaped(g, [R * C]);
    partial = inputs.dy2
      ? runProgram(backend, new PartialSumsProgram(C, plan, 'fromOutputTee'), [view, dy, flatRows(inputs.dy2).view, y, mean, variance, gView], slicedUniforms(R, C, plan, false, epsilon))
      : runProgram(backend, new PartialSumsProgram(C, plan, 'fromOutput'), [view, dy, y, mean, variance, gView], slicedUniforms(R, C, plan, false, epsilon));
  } else {
    partial = runProgram(backend, new PartialSumsProgram(C, plan, 'masked'), [view, dy, mean, variance, gamma, beta], slicedUniforms(R, C, plan, relu, epsilon));
  }
  const partialFlat = reshaped(partial, [tail + 2 * C]);
  const dx = g
    ? runProgram(backend, new GradInputProgram(R, C, plan, 'given'), [view, reshaped(g, [R * C]), mean, variance, gamma, partialFlat], slicedUniforms(R, C, plan, false, epsilon))
    : runProgram(backend, new GradInputProgram(R, C, plan, 'masked'), [view, dy, mean, variance, gamma, beta, partialFlat], slicedUniforms(R, C, plan, relu, epsilon));
  const dBeta = copySlice(backend, partial, tail, [C]);
  const dGamma = copySlice(backend, partial, tail + C, [C]);
  backend.disposeData(partial.dataId);
  const grads = [reshaped(dx, x.shape), dGamma, dBeta];
  if (g && options.shortcut) return [...grads, g];
  if (g) backend.disposeData(g.dataId);
  return grads;
}
