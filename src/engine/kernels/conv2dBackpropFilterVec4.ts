/**
 * Conv2DBackpropFilter (a convolution's weight gradient) in registers, for CPU adapters
 * (SwiftShader): NHWC activations, [kh, kw, inC, outC] filters,
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh − padTop + kh, ow·sw − padLeft + kw, ci] · dy[b, oh, ow, co],
 *
 * x read as zero outside the input. Each thread owns one tap (kh, kw) × 4 input channels × 4
 * output channels and walks a slice of the (b, oh) rows: per output pixel it loads one vec4 of x
 * and one of dy (channels are the innermost axis of both) for 16 FMAs, an outer product, in
 * registers. A tap's valid output columns are computed once per thread, so the inner loop has no
 * bounds test; a row outside the input is skipped whole. The slices' partial sums are written as
 * [S, kh·kw·inC·outC] and summed by the split-K reduce of conv2dBackpropFilter.ts, which the
 * compiled step merges across layers (mergeReduces.ts), as it does for the tiled kernel's.
 *
 * Why a second kernel: the tiled GEMM (conv2dBackpropFilter.ts) stages panels through workgroup
 * memory behind two barriers per 16 K steps, the classic GPU design; on SwiftShader each barrier
 * switches every invocation's coroutine, and that kernel took 65 % of a ResNet-20 step's GPU
 * time. This one has no workgroup memory and no barrier, as our forward and input-gradient
 * kernels (conv2dForward.ts, conv2dBackpropInput.ts). GPUs keep the tiled kernel: it is the
 * design GPUs are built for, and this one has not been measured on a GPU.
 *
 * Input channels not a multiple of 4 (the RGB stem's 3) get a second pipeline whose threads own
 * one input channel (x read one float at a time, 4 FMAs per pixel).
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { SplitKReduceProgram } from './conv2dBackpropFilter';
import { ceilDiv, flat, GRID_THREADS, GridStrideProgram, intFields, ints, LINEAR_WORKGROUP_ID, reshaped, runProgram, type WebGPUBackend } from './program';

/** Threads per workgroup (the grid-stride frame's). */
const THREADS = GRID_THREADS;
/** Workgroups to aim for: SwiftShader starts each as coroutines over its cores, so a few large ones. */
export const CPU_FILTER_GRAD_WORKGROUPS = 16;
/** Shader keys of the partial pass (mergeReduces.ts recognises them as split-K producers). */
export const FILTER_GRAD_VEC4_KEY = 'tlConv2DBackpropFilterVec4';
export const FILTER_GRAD_SCALAR_X_KEY = 'tlConv2DBackpropFilterScalarX';

/** How one call is laid out. */
export interface FilterGradVec4Plan {
  /** Work items of one slice: taps · channel units (inC/4, or inC one at a time) · outC/4. */
  itemsPerSplit: number;
  /** Slices of the (b, oh) rows, each summed by its own threads. */
  splits: number;
  /** (b, oh) rows per slice. */
  rowsPerSplit: number;
  /** Workgroups dispatched; each thread strides over the items by workgroups·THREADS. */
  workgroups: number;
}

/**
 * Enough slices to give every thread of `maxWorkgroups` workgroups an item (no more than there
 * are rows), then as few workgroups as cover the items.
 */
export function planFilterGradVec4(convInfo: backend_util.Conv2DInfo, maxWorkgroups = CPU_FILTER_GRAD_WORKGROUPS): FilterGradVec4Plan {
  const units = convInfo.inChannels % 4 === 0 ? convInfo.inChannels / 4 : convInfo.inChannels;
  const itemsPerSplit = convInfo.filterHeight * convInfo.filterWidth * units * (convInfo.outChannels / 4);
  const rows = convInfo.batchSize * convInfo.outHeight;
  const wanted = Math.max(1, Math.min(rows, Math.floor((maxWorkgroups * THREADS) / itemsPerSplit)));
  const rowsPerSplit = ceilDiv(rows, wanted);
  const splits = ceilDiv(rows, rowsPerSplit);
  const workgroups = Math.max(1, Math.min(ceilDiv(itemsPerSplit * splits, THREADS), maxWorkgroups));
  return { itemsPerSplit, splits, rowsPerSplit, workgroups };
}

class FilterGradVec4Program extends GridStrideProgram {
  variableNames = ['x', 'dy'];
  uniforms = intFields('items', 'N4', 'units', 'taps', 'rows', 'rowsPerSplit', 'inH', 'inW', 'outH', 'outW', 'filterW', 'strideH', 'strideW', 'padTop', 'padLeft');
  shaderKey: string;

  /** `vec4X`: x read as vec4s (inC a multiple of 4), else one channel at a time. */
  constructor(size: number, workgroups: number, private readonly vec4X: boolean) {
    super(size, workgroups, [vec4X ? 4 : 1, 4]);
    this.shaderKey = vec4X ? FILTER_GRAD_VEC4_KEY : FILTER_GRAD_SCALAR_X_KEY;
  }

  getUserCode(): string {
    // A thread's input channels: 4 (one vec4 of x, an accumulator each) or 1.
    const js = this.vec4X ? [0, 1, 2, 3] : [0];
    const lane = ['x', 'y', 'z', 'w'];
    const fmas = this.vec4X ? js.map((j) => `acc${j} = acc${j} + xv.${lane[j]} * dv;`).join(' ') : 'acc0 = acc0 + xv * dv;';
    return `
      fn main(index : i32) {
        let stride = ${THREADS} * i32(numWorkgroups.x * numWorkgroups.y * numWorkgroups.z);
        let sw = uniforms.strideW;
        let N4 = uniforms.N4;
        let units = uniforms.units;
        let inC = units * ${js.length};
        for (var item = ${LINEAR_WORKGROUP_ID} * ${THREADS} + i32(localIndex); item < uniforms.items; item = item + stride) {
          // item = ((split · taps + tap) · units + u) · N4 + n4: neighbouring threads read the
          // same x and consecutive vec4s of dy.
          let n4 = item % N4;
          var r = item / N4;
          let u = r % units;
          r = r / units;
          let tap = r % uniforms.taps;
          let split = r / uniforms.taps;
          let kh = tap / uniforms.filterW;
          let kw = tap - kh * uniforms.filterW;
          // Output columns whose input column ow·sw − padLeft + kw lies in [0, inW).
          let lo = uniforms.padLeft - kw;
          let owLo = select(0, (lo + sw - 1) / sw, lo > 0);
          let hi = uniforms.inW - 1 + uniforms.padLeft - kw;
          let owHi = select(0, min(uniforms.outW, hi / sw + 1), hi >= 0);
          let row0 = split * uniforms.rowsPerSplit;
          let row1 = min(uniforms.rows, row0 + uniforms.rowsPerSplit);
          ${js.map((j) => `var acc${j} = vec4<f32>(0.0);`).join(' ')}
          for (var row = row0; row < row1; row = row + 1) {
            // row = b · outH + oh
            let b = row / uniforms.outH;
            let ih = (row - b * uniforms.outH) * uniforms.strideH - uniforms.padTop + kh;
            if (ih < 0 || ih >= uniforms.inH) { continue; }
            let xRow = (b * uniforms.inH + ih) * uniforms.inW - uniforms.padLeft + kw;
            let dyRow = row * uniforms.outW;
            for (var ow = owLo; ow < owHi; ow = ow + 1) {
              let xv = x[(xRow + ow * sw) * units + u];
              let dv = dy[(dyRow + ow) * N4 + n4];
              ${fmas}
            }
          }
          // Partial [split, m = tap · inC + ci, co] in vec4s of co.
          let m0 = (split * uniforms.taps + tap) * inC + u * ${js.length};
          ${js.map((j) => `result[(m0 + ${j}) * N4 + n4] = acc${j};`).join('\n          ')}
        }
      }
    `;
  }
}

/**
 * Conv geometry this kernel handles (NHWC, output channels a multiple of 4, no dilation); the
 * registry sends the rest to the tiled kernel.
 */
export function supportsFilterGradVec4(convInfo: backend_util.Conv2DInfo): boolean {
  return convInfo.dataFormat === 'channelsLast' && convInfo.dilationHeight === 1 && convInfo.dilationWidth === 1
    && convInfo.outChannels % 4 === 0;
}

/** dW for NHWC x and dy; returns a [kh, kw, inC, outC] tensor owned by the caller. */
export function conv2dBackpropFilterVec4(backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo, convInfo: backend_util.Conv2DInfo): TensorInfo {
  const plan = planFilterGradVec4(convInfo);
  const vec4X = convInfo.inChannels % 4 === 0;
  const taps = convInfo.filterHeight * convInfo.filterWidth;
  const count = taps * convInfo.inChannels * convInfo.outChannels;
  const uniforms = ints(
    plan.itemsPerSplit * plan.splits, convInfo.outChannels / 4, vec4X ? convInfo.inChannels / 4 : convInfo.inChannels, taps,
    convInfo.batchSize * convInfo.outHeight, plan.rowsPerSplit, convInfo.inHeight, convInfo.inWidth, convInfo.outHeight, convInfo.outWidth,
    convInfo.filterWidth, convInfo.strideHeight, convInfo.strideWidth, convInfo.padInfo.top, convInfo.padInfo.left,
  );
  const partial = runProgram(backend, new FilterGradVec4Program(plan.splits * count, plan.workgroups, vec4X), [flat(x), flat(dy)], uniforms);
  const filterShape = [convInfo.filterHeight, convInfo.filterWidth, convInfo.inChannels, convInfo.outChannels];
  if (plan.splits === 1) return reshaped(partial, filterShape);
  const out = runProgram(backend, new SplitKReduceProgram(count), [flat(partial)], ints(plan.splits, count));
  backend.disposeData(partial.dataId);
  return reshaped(out, filterShape);
}
