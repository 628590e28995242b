/**
 * The option-A shortcut of the CIFAR ResNet (He et al. 2016, §4.2: "the shortcut still performs
 * identity mapping, with extra zero entries padded for increasing dimensions", subsampled by the
 * stride) as one WGSL pass each way, where tf ops take two (a 1×1 stride-s average pool, then a
 * pad of the channels) forward and two (the pad's slice, the pool's backprop) backward:
 *
 *   forward:  y[n, i, j, c] = x[n, s·i, s·j, c − before]  for before ≤ c < before + inC, else 0
 *   backward: dx[n, h, w, c] = dy[n, h/s, w/s, c + before]  where s divides h and w, else 0
 *
 * with outH = ⌈H/s⌉ (a 'valid' pool of size 1). Each is one thread per output element over 1-D
 * views, every shape a uniform: one pipeline per direction for every layer. The block's input
 * also feeds its first conv, so its gradient is a sum of two; the backward pass can take the
 * conv's part and add it in (a third pipeline), which saves the tape's add.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, intFields, ints, reshaped, runProgram, type WebGPUBackend, type WebGPUProgram } from './program';

const THREADS = 256;

/** Uniforms of both passes: the input's and the output's sizes, the stride, the channels before. */
const FIELDS = intFields('inH', 'inW', 'inC', 'outH', 'outW', 'outC', 'stride', 'before');

/** WGSL: (n, a, b, ch) of element `index` of an NHWC tensor of sizes _H, _W, _C. */
const coords = (prefix: 'in' | 'out') => `
  let ch = index % uniforms.${prefix}C;
  let pix = index / uniforms.${prefix}C;
  let b = pix % uniforms.${prefix}W;
  let a = (pix / uniforms.${prefix}W) % uniforms.${prefix}H;
  let n = pix / (uniforms.${prefix}W * uniforms.${prefix}H);
`;

class ZeroPadShortcutProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = FIELDS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;

  /**
   * `rows` × `C`: the output as [N·H·W, C]. `accumulate` (backward only): the input's other
   * gradient, `add`, is summed in, where the tape would add the two in a dispatch of its own.
   */
  constructor(rows: number, C: number, private readonly backward: boolean, private readonly accumulate = false) {
    this.variableNames = backward ? (accumulate ? ['dy', 'add'] : ['dy']) : ['x'];
    this.outputShape = [rows, C];
    this.dispatch = [ceilDiv(rows * C, THREADS), 1, 1];
    this.shaderKey = backward ? (accumulate ? 'tlZeroPadShortcutGradAdd' : 'tlZeroPadShortcutGrad') : 'tlZeroPadShortcut';
  }

  getUserCode(): string {
    const body = this.backward
      ? `${coords('in')}
         if (a % uniforms.stride == 0 && b % uniforms.stride == 0) {
           let i = a / uniforms.stride;
           let j = b / uniforms.stride;
           if (i < uniforms.outH && j < uniforms.outW) {
             v = v + dy[((n * uniforms.outH + i) * uniforms.outW + j) * uniforms.outC + ch + uniforms.before];
           }
         }`
      : `${coords('out')}
         let ci = ch - uniforms.before;
         if (ci >= 0 && ci < uniforms.inC) {
           v = x[((n * uniforms.inH + a * uniforms.stride) * uniforms.inW + b * uniforms.stride) * uniforms.inC + ci];
         }`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        var v = ${this.accumulate ? 'add[index]' : '0.0'};
        ${body}
        result[index] = v;
      }
    `;
  }
}

/** The output's sizes for input [N, H, W, inC]: [N, ⌈H/s⌉, ⌈W/s⌉, outC]. */
export function zeroPadShortcutShape(inShape: number[], stride: number, outC: number): number[] {
  const [N, H, W] = inShape;
  return [N, ceilDiv(H, stride), ceilDiv(W, stride), outC];
}

/** Zero channels padded before the input's: ⌊(outC − inC)/2⌋, the rest go after. */
export function channelsBefore(inC: number, outC: number): number {
  return Math.floor((outC - inC) / 2);
}

function uniformsFor(inShape: number[], outShape: number[], stride: number) {
  const [, H, W, inC] = inShape;
  const [, outH, outW, outC] = outShape;
  return ints(H, W, inC, outH, outW, outC, stride, channelsBefore(inC, outC));
}

/** The shortcut of x [N, H, W, inC]: every stride-th pixel, zero channels around: 1 dispatch. */
export function zeroPadShortcutForward(backend: WebGPUBackend, x: TensorInfo, stride: number, outC: number): TensorInfo {
  const outShape = zeroPadShortcutShape(x.shape, stride, outC);
  const rows = outShape[0] * outShape[1] * outShape[2];
  const y = runProgram(backend, new ZeroPadShortcutProgram(rows, outC, false), [reshaped(x, [sizeOf(x.shape)])], uniformsFor(x.shape, outShape, stride));
  return reshaped(y, outShape);
}

/**
 * ∂L/∂x [inShape] from the shortcut's output gradient dy, plus `add` (x's gradient from its
 * other consumer, shaped as x) when given: 1 dispatch.
 */
export function zeroPadShortcutBackward(backend: WebGPUBackend, dy: TensorInfo, inShape: number[], stride: number, add?: TensorInfo): TensorInfo {
  const [N, H, W, inC] = inShape;
  const inputs = [reshaped(dy, [sizeOf(dy.shape)]), ...(add ? [reshaped(add, [sizeOf(add.shape)])] : [])];
  const dx = runProgram(backend, new ZeroPadShortcutProgram(N * H * W, inC, true, Boolean(add)), inputs, uniformsFor(inShape, dy.shape, stride));
  return reshaped(dx, inShape);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
