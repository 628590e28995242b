/**
 * Conv2DBackpropInput (the input gradient of a convolution) as an implicit GEMM split into the
 * stride's sub-pixel phases, for NHWC tensors and [kh, kw, inC, outC] filters:
 *
 *   dx[n, ih, iw, ci] = Σ_{kh, kw, co} dy[n, oh, ow, co] · w[kh, kw, ci, co],
 *   oh = (ih + padTop − kh) / s,  ow = (iw + padLeft − kw) / s  (only where they divide exactly)
 *
 * Why phases: at stride s an input row ih only receives the taps kh ≡ ih + padTop (mod s), so
 * the s² classes of (ih mod s, iw mod s) are each a dense GEMM (M = their pixels, N = inC,
 * K = their taps × outC) with no divisibility test per element; tfjs's programs test every tap
 * of every element (`fract(dyR) > 0.0`) and throw three quarters of them away at stride 2 (the
 * sub-pixel decomposition of transposed convolution, e.g. Shi et al. 2016; implicit GEMM as in
 * cuDNN, Chetlur et al. 2014).
 *
 * Each thread owns TP pixels of one phase, s apart in a row (so their ow are consecutive), times
 * 4 input channels, and walks the phase's taps and the output channels 4 at a time: per step it
 * loads TP vec4s of dy and 4 vec4s of w (outC is the innermost axis of both) for 16·TP FMAs, in
 * registers. No workgroup memory and no barrier: SwiftShader's compile time grows with the
 * former and each barrier switches its coroutines; on a GPU the w vec4s are shared by every
 * thread of a channel group through the cache. One pipeline for every layer: shapes, stride
 * and padding are uniforms, tensors are bound as flat vec4 views, and the grid is 1-D (a
 * grid-stride loop, so SwiftShader gets a few large workgroups and a GPU one item per thread).
 *
 * tfjs's own tiled GEMM for this (Conv2DDerInputMMProgram, behind its flag
 * WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE = false) was tried first: on SwiftShader at batch 8 it took
 * 754 ms (stride 1, 32×32×16) and 1,329 ms (stride 2, 16 → 32) against 191 and 179 ms for the
 * naive program that tfjs runs by default, so it is not used.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, flat, GRID_THREADS, GridStrideProgram, intFields, ints, isCpuAdapter, LINEAR_WORKGROUP_ID, runProgram, type WebGPUBackend } from './program';

/** Threads per workgroup (the grid-stride frame's). */
const THREADS = GRID_THREADS;
/**
 * Pixels per thread (of one phase, along a row): the register tile's height. 8 covers a CIFAR
 * ResNet's rows without waste (32, 16 and 8 pixels, halved per phase at stride 2) and beat 4 on
 * SwiftShader (batch 8, 32×32×16: stride 1 3.1× stock's speed against 2.9×, stride 2 5.1× against 3.7×).
 */
const TP = 8;
/** Most workgroups on a CPU adapter, whose workgroups each cost a coroutine start. */
export const CPU_INPUT_GRAD_WORKGROUPS = 16;
/** Most workgroups on a GPU (the backend folds a grid above 65,535 into 2-D). */
const GPU_INPUT_GRAD_WORKGROUPS = 1 << 20;

/** How one call is laid out: work items (TP pixels × 4 channels each) and the workgroups over them. */
export interface InputGradPlan {
  /** Work items: batch · inH · s (column phases) · ⌈⌈inW/s⌉/TP⌉ (pixel groups) · inC/4. */
  items: number;
  /** Pixel groups per row of one column phase. */
  groups: number;
  /** Workgroups dispatched; each thread strides over the items by workgroups·THREADS. */
  workgroups: number;
}

/** The layout of one call; `maxWorkgroups` is the adapter's cap. */
export function planInputGrad(convInfo: backend_util.Conv2DInfo, maxWorkgroups: number): InputGradPlan {
  const s = convInfo.strideWidth;
  const groups = ceilDiv(ceilDiv(convInfo.inWidth, s), TP);
  const items = convInfo.batchSize * convInfo.inHeight * s * groups * (convInfo.inChannels / 4);
  return { items, groups, workgroups: Math.max(1, Math.min(ceilDiv(items, THREADS), maxWorkgroups)) };
}

class InputGradProgram extends GridStrideProgram {
  variableNames = ['dy', 'w'];
  uniforms = intFields('items', 'groups', 'inH', 'inW', 'C4', 'outH', 'outW', 'K4', 'filterH', 'filterW', 'strideH', 'strideW', 'padTop', 'padLeft');
  shaderKey = 'tlConv2DBackpropInput';

  constructor(size: number, workgroups: number) {
    super(size, workgroups, [4, 4]);
  }

  getUserCode(): string {
    const js = Array.from({ length: TP }, (_, j) => j);
    return `
      fn main(index : i32) {
        let stride = ${THREADS} * i32(numWorkgroups.x * numWorkgroups.y * numWorkgroups.z);
        let s = uniforms.strideH;
        let sw = uniforms.strideW;
        let C = uniforms.C4 * 4;
        let K4 = uniforms.K4;
        for (var item = ${LINEAR_WORKGROUP_ID} * ${THREADS} + i32(localIndex); item < uniforms.items; item = item + stride) {
          // item = (((n · inH + ih) · sw + pw) · groups + g) · C4 + c4: neighbouring threads share
          // a row and a phase (the same taps) and differ in channels, then in pixel group.
          let c4 = item % uniforms.C4;
          var r = item / uniforms.C4;
          let g = r % uniforms.groups;
          r = r / uniforms.groups;
          let pw = r % sw;
          r = r / sw;
          let ih = r % uniforms.inH;
          let n = r / uniforms.inH;
          // The thread's pixels: iw = iw0 + sw·j, j < ${TP}.
          let iw0 = pw + sw * g * ${TP};
          ${js.map((j) => `var acc${j} = vec4<f32>(0.0);`).join(' ')}
          // The taps of this phase only: kh ≡ ih + padTop (mod s), so oh = (ih + padTop − kh) / s is exact.
          for (var kh = (ih + uniforms.padTop) % s; kh < uniforms.filterH; kh = kh + s) {
            let oh = (ih + uniforms.padTop - kh) / s;
            if (oh < 0 || oh >= uniforms.outH) { continue; }
            let dyRow = (n * uniforms.outH + oh) * uniforms.outW;
            for (var kw = (iw0 + uniforms.padLeft) % sw; kw < uniforms.filterW; kw = kw + sw) {
              // Pixel j reads output column ow0 + j; outside the output it reads column 0, times 0.
              let ow0 = (iw0 + uniforms.padLeft - kw) / sw;
              ${js.map((j) => `let ok${j} = ow0 + ${j} >= 0 && ow0 + ${j} < uniforms.outW;
              let m${j} = select(0.0, 1.0, ok${j});
              let d${j} = (dyRow + select(0, ow0 + ${j}, ok${j})) * K4;`).join('\n              ')}
              let w0 = ((kh * uniforms.filterW + kw) * C + c4 * 4) * K4;
              for (var k4 = 0; k4 < K4; k4 = k4 + 1) {
                let wa = w[w0 + k4];
                let wb = w[w0 + K4 + k4];
                let wc = w[w0 + 2 * K4 + k4];
                let wd = w[w0 + 3 * K4 + k4];
                ${js.map((j) => `{ let v = dy[d${j} + k4] * m${j}; acc${j} = acc${j} + vec4<f32>(dot(v, wa), dot(v, wb), dot(v, wc), dot(v, wd)); }`).join('\n                ')}
              }
            }
          }
          let rowBase = (n * uniforms.inH + ih) * uniforms.inW;
          ${js.map((j) => `if (iw0 + sw * ${j} < uniforms.inW) { result[(rowBase + iw0 + sw * ${j}) * uniforms.C4 + c4] = acc${j}; }`).join('\n          ')}
        }
      }
    `;
  }
}

/** Conv geometry this kernel handles (channels a multiple of 4, no dilation); anything else goes to the stock kernel. */
export function supportsInputGrad(convInfo: backend_util.Conv2DInfo): boolean {
  return convInfo.dataFormat === 'channelsLast' && convInfo.dilationHeight === 1 && convInfo.dilationWidth === 1
    && convInfo.inChannels % 4 === 0 && convInfo.outChannels % 4 === 0;
}

/** dx for NHWC dy and a [kh, kw, inC, outC] filter; returns a tensor of convInfo.inShape owned by the caller. */
export function conv2dBackpropInputGemm(backend: WebGPUBackend, dy: TensorInfo, filter: TensorInfo, convInfo: backend_util.Conv2DInfo): TensorInfo {
  const plan = planInputGrad(convInfo, isCpuAdapter(backend) ? CPU_INPUT_GRAD_WORKGROUPS : GPU_INPUT_GRAD_WORKGROUPS);
  const size = convInfo.batchSize * convInfo.inHeight * convInfo.inWidth * convInfo.inChannels;
  const uniforms = ints(
    plan.items, plan.groups, convInfo.inHeight, convInfo.inWidth, convInfo.inChannels / 4, convInfo.outHeight, convInfo.outWidth,
    convInfo.outChannels / 4, convInfo.filterHeight, convInfo.filterWidth, convInfo.strideHeight, convInfo.strideWidth,
    convInfo.padInfo.top, convInfo.padInfo.left,
  );
  const out = runProgram(backend, new InputGradProgram(size, plan.workgroups), [flat(dy), flat(filter)], uniforms);
  return { dataId: out.dataId, shape: convInfo.inShape, dtype: out.dtype };
}
