/**
 * The elementwise BatchNorm programs (batchNormPrograms.ts has the reductions): the forward sweep
 * y = γ·x̂ + β [+ shortcut] [, ReLU], and the ReLU's gradient from its output. With a shortcut the
 * sweep is a residual block's tail (BN, add, ReLU: three tf ops, three dispatches) in one pass.
 * Both take 1-D views and write [R, C], so tfjs's pipeline key never depends on the layer shape.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, flatRows, intFields, ints, reshaped, runProgram, withEpsilon, type WebGPUBackend, type WebGPUProgram } from './program';

const THREADS = 256;

/** The per-channel inputs of the BN passes after the first, in binding order. */
export const PER_CHANNEL = ['mean', 'variance', 'gamma', 'beta'];

/**
 * Forward sweep: y = γ·x̂ + β [+ shortcut] [, ReLU], one thread per element. With a shortcut it
 * is a residual block's tail (BN, add, ReLU) in one pass where tf ops take three; that variant
 * has one more binding, so a pipeline of its own.
 */
class ApplyProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = `${intFields('C', 'relu')} epsilon : f32,`;
  /** [R, C] over x's 1-D view: ranks differ, so the key never depends on the shape. */
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;

  constructor(R: number, C: number, private readonly residual: boolean) {
    this.variableNames = residual ? ['x', ...PER_CHANNEL, 'shortcut'] : ['x', ...PER_CHANNEL];
    this.outputShape = [R, C];
    this.dispatch = [ceilDiv(R * C, THREADS), 1, 1];
    this.shaderKey = residual ? 'tlBatchNormApplyAdd' : 'tlBatchNormApply';
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.C;
        let invStd = inverseSqrt(variance[c] + uniforms.epsilon);
        let yv = fma(gamma[c] * invStd, x[index] - mean[c], beta[c])${this.residual ? ' + shortcut[index]' : ''};
        result[index] = select(yv, max(yv, 0.0), uniforms.relu != 0);
      }
    `;
  }
}

/** The ReLU's gradient from its output: g = dy where y > 0, else 0 (one thread per element). */
class ReluGradProgram implements WebGPUProgram {
  variableNames = ['dy', 'y'];
  outputShape: number[];
  shaderKey = 'tlReluGrad';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;

  constructor(R: number, C: number) {
    this.outputShape = [R, C];
    this.dispatch = [ceilDiv(R * C, THREADS), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        result[index] = select(0.0, dy[index], y[index] > 0.0);
      }
    `;
  }
}

/**
 * y = γ·(x − μ)/√(σ² + ε) + β, plus `shortcut` when given, optionally followed by ReLU: 1 dispatch.
 */
export function batchNormApply(
  backend: WebGPUBackend,
  inputs: { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo; beta: TensorInfo; shortcut?: TensorInfo },
  epsilon: number,
  relu: boolean,
): TensorInfo {
  const { view, R, C } = flatRows(inputs.x);
  const perChannel = [inputs.mean, inputs.variance, inputs.gamma, inputs.beta];
  const shortcut = inputs.shortcut ? [flatRows(inputs.shortcut).view] : [];
  const program = new ApplyProgram(R, C, shortcut.length > 0);
  const y = runProgram(backend, program, [view, ...perChannel, ...shortcut], withEpsilon(ints(C, relu ? 1 : 0), epsilon));
  return reshaped(y, inputs.x.shape);
}

/** g = dy·[y > 0] over flat views of R·C elements; returns a [R, C] tensor. */
export function reluGrad(backend: WebGPUBackend, dy: TensorInfo, y: TensorInfo, R: number, C: number): TensorInfo {
  return runProgram(backend, new ReluGradProgram(R, C), [dy, y], []);
}
