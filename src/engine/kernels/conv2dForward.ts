/**
 * Conv2D (a convolution's forward pass) as an implicit GEMM, for NHWC inputs and [kh, kw, inC,
 * outC] filters:
 *
 *   y[n, oh, ow, co] = Σ_{kh, kw, ci} x[n, oh·s − padTop + kh, ow·s − padLeft + kw, ci] · w[kh, kw, ci, co],
 *
 * x read as zero outside the input (implicit GEMM as in cuDNN, Chetlur et al. 2014: M = the
 * output pixels, N = outC, K = kh·kw·inC, with no im2col copy).
 *
 * Each thread owns TP consecutive output pixels of one row times 4 output channels, and walks
 * the taps and the input channels 4 at a time: per step it loads TP vec4s of x and 4 vec4s of w
 * (inC is the innermost axis of x, outC that of w) for 16·TP FMAs, in registers. No workgroup
 * memory and no barrier: SwiftShader's compile time grows with the former and each barrier
 * switches its coroutines; on a GPU the w vec4s are shared by every thread of a channel group
 * through the cache. One pipeline for every layer: shapes, stride and padding are uniforms,
 * tensors are bound as flat vec4 views, and the grid is 1-D (a grid-stride loop, so SwiftShader
 * gets a few large workgroups and a GPU one item per thread). The input gradient's kernel
 * (conv2dBackpropInput.ts) is built the same way. Inputs whose channels are not a multiple of 4
 * (the RGB stem's 3) get a second pipeline that reads x one channel at a time (4·TP FMAs per
 * step); tfjs's program took 8× its time for CIFAR's stem on SwiftShader (batch 8: 82 vs 10 ms).
 *
 * tfjs's stock program (conv2DMM: a 32×32-tiled GEMM through workgroup memory) is compiled
 * once per tile shape and vector width, 5 pipelines in a ResNet-20 step, and at 16 channels
 * half of each tile is idle.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, flat, GRID_THREADS, GridStrideProgram, intFields, ints, isCpuAdapter, LINEAR_WORKGROUP_ID, runProgram, type WebGPUBackend } from './program';

/** Threads per workgroup (the grid-stride frame's). */
const THREADS = GRID_THREADS;
/** Output pixels per thread (consecutive along a row): the register tile's height. */
const TP = 8;
/** Most workgroups on a CPU adapter, whose workgroups each cost a coroutine start. */
export const CPU_CONV2D_WORKGROUPS = 16;
/** Most workgroups on a GPU (the backend folds a grid above 65,535 into 2-D). */
const GPU_CONV2D_WORKGROUPS = 1 << 20;

/** How one call is laid out: work items (TP pixels × 4 channels each) and the workgroups over them. */
export interface Conv2DPlan {
  /** Work items: batch · outH · ⌈outW/TP⌉ (pixel groups) · outC/4. */
  items: number;
  /** Pixel groups per output row. */
  groups: number;
  /** Workgroups dispatched; each thread strides over the items by workgroups·THREADS. */
  workgroups: number;
}

/** The layout of one call; `maxWorkgroups` is the adapter's cap. */
export function planConv2D(convInfo: backend_util.Conv2DInfo, maxWorkgroups: number): Conv2DPlan {
  const groups = ceilDiv(convInfo.outWidth, TP);
  const items = convInfo.batchSize * convInfo.outHeight * groups * (convInfo.outChannels / 4);
  return { items, groups, workgroups: Math.max(1, Math.min(ceilDiv(items, THREADS), maxWorkgroups)) };
}

class Conv2DProgram extends GridStrideProgram {
  variableNames = ['x', 'w'];
  uniforms = intFields('items', 'groups', 'inH', 'inW', 'C', 'C4', 'outH', 'outW', 'K4', 'filterH', 'filterW', 'strideH', 'strideW', 'padTop', 'padLeft');
  shaderKey: string;

  /** `vec4X`: x read as vec4s (inC a multiple of 4), else one channel at a time (the RGB stem). */
  constructor(size: number, workgroups: number, private readonly vec4X: boolean) {
    super(size, workgroups, [vec4X ? 4 : 1, 4]);
    this.shaderKey = vec4X ? 'tlConv2D' : 'tlConv2DScalarX';
  }

  getUserCode(): string {
    const js = Array.from({ length: TP }, (_, j) => j);
    // x's index of pixel j's first channel, in the units x is read in (vec4s or floats).
    const xUnits = this.vec4X ? 'C4' : 'C';
    // One step over the input channels: 4 at a time (TP vec4 loads of x, 4 of w, 16·TP FMAs),
    // or 1 (TP floats of x, 1 vec4 of w, 4·TP FMAs).
    const channelLoop = this.vec4X
      ? `for (var c4 = 0; c4 < C4; c4 = c4 + 1) {
                let wi = w0 + c4 * 4 * K4;
                let wa = w[wi];
                let wb = w[wi + K4];
                let wc = w[wi + 2 * K4];
                let wd = w[wi + 3 * K4];
                ${js.map((j) => `{ let v = select(vec4<f32>(0.0), x[x${j} + c4], ok${j}); acc${j} = acc${j} + v.x * wa + v.y * wb + v.z * wc + v.w * wd; }`).join('\n                ')}
              }`
      : `for (var ci = 0; ci < C; ci = ci + 1) {
                let wv = w[w0 + ci * K4];
                ${js.map((j) => `acc${j} = acc${j} + select(0.0, x[x${j} + ci], ok${j}) * wv;`).join('\n                ')}
              }`;
    return `
      fn main(index : i32) {
        let stride = ${THREADS} * i32(numWorkgroups.x * numWorkgroups.y * numWorkgroups.z);
        let sw = uniforms.strideW;
        let C = uniforms.C;
        let C4 = uniforms.C4;
        let K4 = uniforms.K4;
        for (var item = ${LINEAR_WORKGROUP_ID} * ${THREADS} + i32(localIndex); item < uniforms.items; item = item + stride) {
          // item = ((n · outH + oh) · groups + g) · K4 + k4: neighbouring threads share a row's
          // pixels (the same x) and differ in output channels, then in pixel group.
          let k4 = item % K4;
          var r = item / K4;
          let g = r % uniforms.groups;
          r = r / uniforms.groups;
          let oh = r % uniforms.outH;
          let n = r / uniforms.outH;
          // The thread's pixels: ow = ow0 + j, j < ${TP}.
          let ow0 = g * ${TP};
          ${js.map((j) => `var acc${j} = vec4<f32>(0.0);`).join(' ')}
          for (var kh = 0; kh < uniforms.filterH; kh = kh + 1) {
            let ih = oh * uniforms.strideH - uniforms.padTop + kh;
            if (ih < 0 || ih >= uniforms.inH) { continue; }
            let xRow = (n * uniforms.inH + ih) * uniforms.inW;
            for (var kw = 0; kw < uniforms.filterW; kw = kw + 1) {
              // Pixel j reads input column iw0 + sw·j; outside the input it reads column 0 and keeps 0.
              let iw0 = ow0 * sw - uniforms.padLeft + kw;
              ${js.map((j) => `let ok${j} = iw0 + sw * ${j} >= 0 && iw0 + sw * ${j} < uniforms.inW;
              let x${j} = (xRow + select(0, iw0 + sw * ${j}, ok${j})) * ${xUnits};`).join('\n              ')}
              // w[kh, kw, ci, 4·k4 … 4·k4 + 3] as a vec4, for ci = 0.
              let w0 = (kh * uniforms.filterW + kw) * C * K4 + k4;
              ${channelLoop}
            }
          }
          let rowBase = (n * uniforms.outH + oh) * uniforms.outW;
          ${js.map((j) => `if (ow0 + ${j} < uniforms.outW) { result[(rowBase + ow0 + ${j}) * K4 + k4] = acc${j}; }`).join('\n          ')}
        }
      }
    `;
  }
}

/**
 * Conv geometry this kernel handles (NHWC, output channels a multiple of 4, no dilation); anything
 * else goes to the stock kernel. Input channels not a multiple of 4 (the RGB stem's 3) are read
 * one at a time, by a second pipeline.
 */
export function supportsConv2D(convInfo: backend_util.Conv2DInfo): boolean {
  return convInfo.dataFormat === 'channelsLast' && convInfo.dilationHeight === 1 && convInfo.dilationWidth === 1
    && convInfo.outChannels % 4 === 0;
}

/** y for an NHWC x and a [kh, kw, inC, outC] filter; returns a tensor of convInfo.outShape owned by the caller. */
export function conv2dGemm(backend: WebGPUBackend, x: TensorInfo, filter: TensorInfo, convInfo: backend_util.Conv2DInfo): TensorInfo {
  const plan = planConv2D(convInfo, isCpuAdapter(backend) ? CPU_CONV2D_WORKGROUPS : GPU_CONV2D_WORKGROUPS);
  const size = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth * convInfo.outChannels;
  // inC and inC/4 both: a C4 computed in the shader (C / 4) made the vec4 program's stride-1
  // case about 20% slower on SwiftShader (batch 8: 28 against 23 ms).
  const uniforms = ints(
    plan.items, plan.groups, convInfo.inHeight, convInfo.inWidth, convInfo.inChannels, Math.floor(convInfo.inChannels / 4), convInfo.outHeight, convInfo.outWidth,
    convInfo.outChannels / 4, convInfo.filterHeight, convInfo.filterWidth, convInfo.strideHeight, convInfo.strideWidth,
    convInfo.padInfo.top, convInfo.padInfo.left,
  );
  const out = runProgram(backend, new Conv2DProgram(size, plan.workgroups, convInfo.inChannels % 4 === 0), [flat(x), flat(filter)], uniforms);
  return { dataId: out.dataId, shape: convInfo.outShape, dtype: out.dtype };
}
