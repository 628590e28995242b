/**
 * Elementwise parameter updates as single WGSL passes, to cut the step's dispatch count: in tf
 * ops, SGD with momentum, weight decay and Nesterov is 8 dispatches per parameter tensor (mul,
 * add, mul, add, mul, add, mul, sub) and a BatchNorm running average 3–4; here they are 2 and 1.
 *
 * SGD as PyTorch's torch.optim.SGD (Sutskever et al. 2013 for the Nesterov form):
 *   g' = g + wd·w;  buf ← μ·buf + g';  w ← w − lr·(nesterov ? g' + μ·buf : buf)
 * With a `gate` (bool scalar on the device, e.g. "all gradients finite" for loss scaling) a
 * false gate keeps w and buf unchanged, without reading anything back.
 * Running average: r ← (1 − m)·r + m·s·b (s = R/(R − 1) turns a biased variance unbiased).
 * The same over every tensor of a step at once: arenaPrograms.ts.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, runProgram, type Uniform, type WebGPUBackend, type WebGPUProgram } from './program';

type UpdateMode = 'momentum' | 'weight' | 'average';

const INPUTS: Record<UpdateMode, string[]> = {
  momentum: ['w', 'buf', 'g'],
  weight: ['w', 'g', 'nextBuf'],
  average: ['running', 'stat'],
};

/** One thread per element: the new momentum buffer, the new weights, or a running average. */
class UpdateProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = 'lr : f32, momentum : f32, weightDecay : f32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;

  constructor(
    shape: number[],
    private readonly mode: UpdateMode,
    private readonly nesterov: boolean,
    private readonly gated: boolean,
  ) {
    // Plain momentum's weight step never reads g, and every binding must be read.
    const names = mode === 'weight' && !nesterov ? ['w', 'nextBuf'] : INPUTS[mode];
    this.variableNames = gated ? [...names, 'gate'] : names;
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [ceilDiv(Math.max(1, shape.reduce((a, b) => a * b, 1)), 256), 1, 1];
    this.shaderKey = `tlUpdate_${mode}_${nesterov}_${gated}`;
  }

  getUserCode(): string {
    // For 'average' the uniforms mean: momentum = 1 − m (kept), weightDecay = m·s (mixed in).
    const [value, old] = {
      momentum: ['fma(uniforms.momentum, buf[index], fma(uniforms.weightDecay, w[index], g[index]))', 'buf[index]'],
      weight: [
        this.nesterov
          ? 'w[index] - uniforms.lr * fma(uniforms.momentum, nextBuf[index], fma(uniforms.weightDecay, w[index], g[index]))'
          : 'w[index] - uniforms.lr * nextBuf[index]',
        'w[index]',
      ],
      average: ['fma(uniforms.momentum, running[index], uniforms.weightDecay * stat[index])', 'running[index]'],
    }[this.mode];
    const body = this.gated ? `select(${old}, ${value}, gate[0] != 0)` : value;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = ${body};
        }
      }
    `;
  }
}

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

export const floats = (...values: number[]): Uniform[] => values.map((v) => ({ type: 'float32', data: [v] }));

/** One SGD step for one parameter: [new w, new buf] in 2 dispatches. */
export function sgdMomentumStep(
  backend: WebGPUBackend,
  inputs: { w: TensorInfo; buf: TensorInfo; g: TensorInfo; gate?: TensorInfo },
  hyper: SgdHyper,
): [TensorInfo, TensorInfo] {
  const { w, buf, g, gate } = inputs;
  const gated = gate !== undefined;
  const extra = gated ? [gate] : [];
  const u = floats(hyper.lr, hyper.momentum, hyper.weightDecay);
  const nextBuf = runProgram(backend, new UpdateProgram(w.shape, 'momentum', hyper.nesterov, gated), [w, buf, g, ...extra], u);
  // The weight update reads the new buffer; when the gate is closed nextBuf = buf and w is kept.
  const weightInputs = hyper.nesterov ? [w, g, nextBuf] : [w, nextBuf];
  const nextW = runProgram(backend, new UpdateProgram(w.shape, 'weight', hyper.nesterov, gated), [...weightInputs, ...extra], u);
  return [nextW, nextBuf];
}

/** r ← (1 − m)·r + m·scale·stat in 1 dispatch. */
export function runningAverageStep(backend: WebGPUBackend, running: TensorInfo, stat: TensorInfo, momentum: number, scale: number): TensorInfo {
  return runProgram(backend, new UpdateProgram(running.shape, 'average', false, false), [running, stat], floats(0, 1 - momentum, momentum * scale));
}
