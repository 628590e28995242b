/**
 * Conv2DBackpropFilter (the weight gradient of a convolution) as a tiled implicit GEMM with a
 * split-K reduction, for NHWC activations and [kh, kw, inC, outC] filters.
 *
 *   dW[m, n] = Σ_k A[m, k] · B[k, n]
 *   m = (kh, kw, ci)  (M = kh·kw·inC rows, the filter's own flattening)
 *   n = co            (N = outC)
 *   k = (b, oh, ow)   (K = batch·outH·outW: the long reduction)
 *   A[m, k] = x[b, oh·sh − padTop + kh, ow·sw − padLeft + kw, ci]  (0 outside the image: im2col, never stored)
 *   B[k, n] = dy[b, oh, ow, co]                                       (dy is already [K, N])
 *
 * Why: the stock WGSL gives each weight one thread that loops over batch×H×W, so a 3×3×16×16
 * filter gets 2,304 threads each doing 131,072 sequential steps at batch 128 (93 % of a
 * ResNet-20 step on an H200). Here each workgroup computes a bm×bn tile of dW over one slice
 * of K, staging A and B through workgroup memory in BK-deep panels (the classic shared-memory
 * GEMM, e.g. Volkov & Demmel 2008; the im2col-free "implicit GEMM" of cuDNN, Chetlur et al.
 * 2014), and the S slices' partial tiles are summed by a second, small pass (split-K).
 * CPU adapters (SwiftShader) get conv2dBackpropFilterVec4.ts instead, which needs no workgroup
 * memory or barrier, and share this file's reduce.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, flat, intFields, ints, isCpuAdapter, LINEAR_WORKGROUP_ID, nextPow2, runProgram, type WebGPUBackend, type WebGPUProgram } from './program';

/** Threads per workgroup (16 × 16), the WebGPU default limit. */
export const THREADS = 256;
/** Depth of one K panel staged in workgroup memory. */
const BK = 16;
/**
 * Each thread's register tile: TM rows × TN columns of dW, strided over the tile. It is the one
 * tile number baked into the shader (unrolled accumulators must be constants); the tile's width
 * bn is a uniform and its height follows as bm = TM·THREADS·TN/bn, so one pipeline serves every
 * layer. 2 × 2 costs one shared-memory load per FMA at every width; the former per-width tiles
 * (4 × 1 at 16 columns, 4 × 2 at 32, 4 × 4 at 64) needed 1.25, 0.75 and 0.5, and a pipeline
 * each. So the 64-channel layers load more per FMA now (not measured on a GPU yet); if that
 * shows, a 4 × 4 variant for bn = 64 is one more pipeline, not one per shape.
 */
const TM = 2;
const TN = 2;
/** Tile widths allowed: 16 (bm = 64 rows), 32 (32) and 64 (16). */
const MIN_BN = 16;
const MAX_BN = 64;
/**
 * Workgroup memory, in floats: the A panel (BK × bm) and the B panel (BK × bn) share one array,
 * sized for the largest bm + bn of the widths allowed (BK · 80 = 1,280 floats, 5 kB). Its size
 * is what SwiftShader's compile time follows (measured in Node: 3,072 floats 2.0 s, 2,048 1.6 s,
 * 1,024 0.7 s, 128 0.16 s for this shader), which is also why tile widths start at 16: at 8
 * the A panel alone would be 2,048 floats.
 */
const TILE_FLOATS = BK * Math.max(...[MIN_BN, 32, MAX_BN].map((bn) => bn + (TM * THREADS * TN) / bn));
/** Most K slices (the reduce pass reads them all). */
const MAX_SPLITS = 256;
/** Reduce pass: outputs per workgroup × lanes splitting the slices = THREADS. */
export const REDUCE_OUTPUTS = 16;
/**
 * Shader keys of the two passes, which a captured graph's pass recognises (mergeReduces.ts runs
 * the reduces of a whole step as one dispatch, with this file's arithmetic).
 */
export const FILTER_GRAD_PARTIAL_KEY = 'tlConv2DBackpropFilterPartial';
export const SPLIT_K_REDUCE_KEY = 'tlSplitKReduce';
const REDUCE_LANES = THREADS / REDUCE_OUTPUTS;

/** How one call is split: tile width and height and the number of K slices. */
export interface SplitKPlan {
  /** Columns (output channels) per tile: 16, 32 or 64. */
  bn: number;
  /** Rows (filter taps × input channels) per tile: TM·THREADS·TN / bn. */
  bm: number;
  /** Number of K slices (1 = no reduce pass). */
  splits: number;
  /** K steps per slice, a multiple of BK. */
  kPerSplit: number;
}

/** Workgroups to aim for: a large GPU holds ~8 per SM (an H200 has 132 SMs); a CPU wants few. */
export const GPU_WORKGROUPS = 2048;
export const CPU_WORKGROUPS = 4;

/**
 * Picks the tile and split count: the narrowest tile width (16…64) that covers the output
 * channels, about `targetWorkgroups` workgroups, slices of at least 128 K steps (8 panels), at
 * most 256 slices and at most 16 M floats of partial sums.
 */
export function planSplitK(M: number, N: number, K: number, targetWorkgroups = GPU_WORKGROUPS): SplitKPlan {
  const bn = Math.min(MAX_BN, Math.max(MIN_BN, nextPow2(N)));
  const bm = (TM * THREADS * TN) / bn;
  const tiles = ceilDiv(M, bm) * ceilDiv(N, bn);
  const byOccupancy = ceilDiv(targetWorkgroups, tiles);
  const byDepth = ceilDiv(K, 128);
  const byMemory = Math.max(1, Math.floor((16 << 20) / (M * N)));
  let splits = Math.max(1, Math.min(byOccupancy, byDepth, MAX_SPLITS, byMemory));
  const kPerSplit = ceilDiv(ceilDiv(K, splits), BK) * BK;
  splits = ceilDiv(K, kPerSplit);
  return { bn, bm, splits, kPerSplit };
}

/**
 * The GEMM pass: partial dW tiles, output [S, M·N]. Inputs are bound as 1-D views and the grid
 * is 1-D (workgroup w → column tile, row tile, slice), so tfjs's pipeline key is the same for
 * every layer shape.
 */
class FilterGradPartialProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms = intFields('M', 'N', 'K', 'kPerSplit', 'inH', 'inW', 'inC', 'outH', 'outW', 'outHW', 'filterW', 'strideH', 'strideW', 'padTop', 'padLeft', 'bn', 'tilesN', 'tilesM');
  outputShape: number[];
  shaderKey = FILTER_GRAD_PARTIAL_KEY;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(M: number, N: number, plan: SplitKPlan) {
    this.outputShape = [plan.splits, M * N];
    this.dispatch = [ceilDiv(N, plan.bn) * ceilDiv(M, plan.bm) * plan.splits, 1, 1];
  }

  getUserCode(): string {
    // Thread grid over the tile: TX = bn/TN columns × TY = THREADS/TX rows of threads, each
    // owning TM × TN outputs at rows ty + TY·i and columns tx + TX·j (strided, so shared-memory
    // reads do not conflict).
    const accDecl = Array.from({ length: TM * TN }, (_, i) => `var acc${i} = 0.0;`).join(' ');
    const fmas: string[] = [];
    // Indices into the panels step by bm and bn per kk (uniform, not constants: add, don't multiply).
    for (let i = 0; i < TM; i++) fmas.push(`let a${i} = tiles[aIdx + TY * ${i}];`);
    for (let j = 0; j < TN; j++) {
      fmas.push(`let b${j} = tiles[bIdx + TX * ${j}];`);
      for (let i = 0; i < TM; i++) fmas.push(`acc${i * TN + j} = fma(a${i}, b${j}, acc${i * TN + j});`);
    }
    const stores: string[] = [];
    for (let i = 0; i < TM; i++) {
      for (let j = 0; j < TN; j++) {
        stores.push(`{ let m = tileM + ty + TY * ${i}; let n = tileN + tx + TX * ${j};
          if (m < uniforms.M && n < uniforms.N) { result[(split * uniforms.M + m) * uniforms.N + n] = acc${i * TN + j}; } }`);
      }
    }
    return `
      // The A panel [k][m] (BK × bm), then the B panel [k][n] (BK × bn) from bBase.
      var<workgroup> tiles : array<f32, ${TILE_FLOATS}>;

      // k = (b·outH + oh)·outW + ow  →  (b, oh, ow).
      fn decompose(k : i32) -> vec3<i32> {
        let b = k / uniforms.outHW;
        let rem = k - b * uniforms.outHW;
        let oh = rem / uniforms.outW;
        return vec3<i32>(b, oh, rem - oh * uniforms.outW);
      }

      // decompose(k + d) from decompose(k), by carrying (d ≥ 0).
      fn advance(p : vec3<i32>, d : i32) -> vec3<i32> {
        var q = vec3<i32>(p.x, p.y, p.z + d);
        while (q.z >= uniforms.outW) { q.z = q.z - uniforms.outW; q.y = q.y + 1; }
        while (q.y >= uniforms.outH) { q.y = q.y - uniforms.outH; q.x = q.x + 1; }
        return q;
      }

      fn main(index : i32) {
        let t = i32(localIndex);
        let bn = uniforms.bn;
        let bm = ${TM * THREADS * TN} / bn;
        let TX = bn / ${TN};
        let TY = ${THREADS} / TX;
        let w = ${LINEAR_WORKGROUP_ID};
        let tileN = (w % uniforms.tilesN) * bn;
        let tileM = ((w / uniforms.tilesN) % uniforms.tilesM) * bm;
        let split = w / (uniforms.tilesN * uniforms.tilesM);
        let kStart = split * uniforms.kPerSplit;
        let kEnd = min(uniforms.K, kStart + uniforms.kPerSplit);

        // A loader: each thread owns one row m of the tile for the whole loop, and loads
        // bm·BK/THREADS values of it per panel, THREADS/bm k steps apart.
        let aRow = t % bm;
        let aK0 = t / bm;
        let aStep = ${THREADS} / bm;
        let aLoads = bm * ${BK} / ${THREADS};
        let m = tileM + aRow;
        let mOk = m < uniforms.M;
        let ci = m % uniforms.inC;
        let khw = m / uniforms.inC;
        let kh = khw / uniforms.filterW;
        let kw = khw - kh * uniforms.filterW;
        // B loader: each thread owns one column n, and loads bn·BK/THREADS values of it per panel.
        let bCol = t % bn;
        let bK0 = t / bn;
        let bStep = ${THREADS} / bn;
        let bLoads = bn * ${BK} / ${THREADS};
        let n = tileN + bCol;
        let nOk = n < uniforms.N;
        let bBase = ${BK} * bm;
        let tx = t % TX;
        let ty = t / TX;
        ${accDecl}

        // (batch, oh, ow) of this thread's next A column k, stepped without integer division.
        var panel = decompose(kStart + aK0);
        var pos = panel;
        // Loop bound from uniforms only: barriers need uniform control flow, and the backend
        // exposes workgroup_id through a private variable, which WGSL deems non-uniform.
        for (var step = 0; step < uniforms.kPerSplit / ${BK}; step = step + 1) {
          let k0 = kStart + step * ${BK};
          for (var j = 0; j < aLoads; j = j + 1) {
            let kl = aK0 + j * aStep;
            let k = k0 + kl;
            var v = 0.0;
            if (mOk && k < kEnd) {
              let ih = pos.y * uniforms.strideH - uniforms.padTop + kh;
              let iw = pos.z * uniforms.strideW - uniforms.padLeft + kw;
              if (ih >= 0 && ih < uniforms.inH && iw >= 0 && iw < uniforms.inW) {
                v = x[((pos.x * uniforms.inH + ih) * uniforms.inW + iw) * uniforms.inC + ci];
              }
            }
            tiles[kl * bm + aRow] = v;
            pos = advance(pos, aStep);
          }
          panel = advance(panel, ${BK});
          pos = panel;
          for (var j = 0; j < bLoads; j = j + 1) {
            let kl = bK0 + j * bStep;
            let k = k0 + kl;
            var v = 0.0;
            if (nOk && k < kEnd) {
              v = dy[k * uniforms.N + n];
            }
            if (kl < ${BK}) {
              tiles[bBase + kl * bn + bCol] = v;
            }
          }
          workgroupBarrier();
          var aIdx = ty;
          var bIdx = bBase + tx;
          for (var kk = 0; kk < ${BK}; kk = kk + 1) {
            ${fmas.join('\n            ')}
            aIdx = aIdx + bm;
            bIdx = bIdx + bn;
          }
          workgroupBarrier();
        }
        ${stores.join('\n        ')}
      }
    `;
  }
}

/**
 * The reduce pass: sums S partial tiles; 16 lanes per output value, 16 outputs per workgroup.
 * Output [1, count] over a 1-D input, so one pipeline serves every shape.
 */
export class SplitKReduceProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = intFields('splits', 'count');
  outputShape: number[];
  shaderKey = SPLIT_K_REDUCE_KEY;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(count: number) {
    this.outputShape = [1, count];
    this.dispatch = [ceilDiv(count, REDUCE_OUTPUTS), 1, 1];
  }

  getUserCode(): string {
    const lanes = REDUCE_LANES;
    const outs = REDUCE_OUTPUTS;
    return `
      var<workgroup> sums : array<f32, ${THREADS}>;

      fn main(index : i32) {
        let t = i32(localIndex);
        let o = ${LINEAR_WORKGROUP_ID} * ${outs} + t % ${outs};
        let lane = t / ${outs};
        var s = 0.0;
        if (o < uniforms.count) {
          for (var p = lane; p < uniforms.splits; p = p + ${lanes}) {
            s = s + partial[p * uniforms.count + o];
          }
        }
        sums[t] = s;
        workgroupBarrier();
        for (var stride = ${lanes / 2}; stride > 0; stride = stride / 2) {
          if (lane < stride) {
            sums[t] = sums[t] + sums[t + stride * ${outs}];
          }
          workgroupBarrier();
        }
        if (lane == 0 && o < uniforms.count) {
          result[o] = sums[t];
        }
      }
    `;
  }
}

/** Conv geometry this kernel handles; anything else goes to the stock kernel. */
export function supportsFilterGrad(convInfo: backend_util.Conv2DInfo): boolean {
  return convInfo.dataFormat === 'channelsLast' && convInfo.dilationHeight === 1 && convInfo.dilationWidth === 1;
}

/** dW for NHWC x and dy; returns a [kh, kw, inC, outC] tensor owned by the caller. */
export function conv2dBackpropFilterGemm(backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo, convInfo: backend_util.Conv2DInfo): TensorInfo {
  const M = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const N = convInfo.outChannels;
  const outHW = convInfo.outHeight * convInfo.outWidth;
  const K = convInfo.batchSize * outHW;
  const plan = planSplitK(M, N, K, isCpuAdapter(backend) ? CPU_WORKGROUPS : GPU_WORKGROUPS);
  const tilesN = ceilDiv(N, plan.bn);
  const tilesM = ceilDiv(M, plan.bm);
  const uniforms = ints(
    M, N, K, plan.kPerSplit,
    convInfo.inHeight, convInfo.inWidth, convInfo.inChannels, convInfo.outHeight, convInfo.outWidth, outHW, convInfo.filterWidth,
    convInfo.strideHeight, convInfo.strideWidth, convInfo.padInfo.top, convInfo.padInfo.left, plan.bn, tilesN, tilesM,
  );
  const partial = runProgram(backend, new FilterGradPartialProgram(M, N, plan), [flat(x), flat(dy)], uniforms);
  const filterShape = [convInfo.filterHeight, convInfo.filterWidth, convInfo.inChannels, convInfo.outChannels];
  if (plan.splits === 1) return { dataId: partial.dataId, shape: filterShape, dtype: partial.dtype };
  const out = runProgram(backend, new SplitKReduceProgram(M * N), [flat(partial)], ints(plan.splits, M * N));
  backend.disposeData(partial.dataId);
  return { dataId: out.dataId, shape: filterShape, dtype: out.dtype };
}
