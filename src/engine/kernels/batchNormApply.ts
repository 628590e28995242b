/**
 * The forward BatchNorm sweep (batchNormPrograms.ts has the partial sums and the gradient): on
 * the partial pass's grid, each workgroup sums the partials of its channels into μ and σ² (the
 * first row slice's workgroups write them out), then writes y = γ·x̂ + β [+ shortcut] [, ReLU]
 * for its rows. With a shortcut it is a residual block's tail (BN, add, ReLU: three tf ops,
 * three dispatches) in the same pass. Inputs are 1-D views and y is [R, C], so tfjs's pipeline
 * key never depends on the layer shape.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { LANE_SUM, planFor, SLICE_SETUP, SLICED_UNIFORMS, slicedGrid, slicedUniforms, sumPartials, THREADS, type ReducePlan } from './batchNormPrograms';
import { flatRows, readWriteAlias, reshaped, runProgram, type WebGPUBackend, type WebGPUProgram } from './program';

/**
 * μ = s + Σ(x−s)/R and σ² = Σ(x−s)²/R − (Σ(x−s)/R)² from the partials (s = x[0, c], the shift
 * the partial pass subtracted), then the sweep. μ and σ² are outputs bound as inputs
 * (`readWriteAlias`); the residual variant binds the shortcut too, so has a pipeline of its own.
 */
class ApplyProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = SLICED_UNIFORMS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(R: number, C: number, plan: ReducePlan, private readonly residual: boolean) {
    this.variableNames = ['x', 'partial', 'gamma', 'beta', ...(residual ? ['shortcut'] : []), 'mean', 'variance'];
    this.outputShape = [R, C];
    this.dispatch = slicedGrid(C, plan).dispatch;
    this.shaderKey = residual ? 'tlBatchNormApplyAdd' : 'tlBatchNormApply';
  }

  getUserCode(): string {
    return `
      ${readWriteAlias(this.variableNames, 'mean', 'meanOut')}
      ${readWriteAlias(this.variableNames, 'variance', 'varianceOut')}
      ${LANE_SUM}

      fn main(index : i32) {
        ${SLICE_SETUP}
        ${sumPartials('partial')}
        if (inRange) {
          let invR = 1.0 / f32(uniforms.R);
          let m = total1 * invR;
          let mu = x[c] + m;
          let v = max(total2 * invR - m * m, 0.0);
          if (first) {
            meanOut[c] = mu;
            varianceOut[c] = v;
          }
          let scale = gamma[c] * inverseSqrt(v + uniforms.epsilon);
          let b0 = beta[c];
          for (var r = rowStart + lane; r < rowEnd; r = r + lanes) {
            let i = r * uniforms.C + c;
            let yv = fma(scale, x[i] - mu, b0)${this.residual ? ' + shortcut[i]' : ''};
            result[i] = select(yv, max(yv, 0.0), uniforms.relu != 0);
          }
        }
      }
    `;
  }
}

/**
 * Forward pass 2: [y, μ, σ²] from x and its partial sums (batchNormPartials): y = γ·(x − μ)/√(σ² + ε)
 * + β, plus `shortcut` when given, optionally followed by ReLU. 1 dispatch.
 */
export function batchNormApply(
  backend: WebGPUBackend,
  inputs: { x: TensorInfo; partial: TensorInfo; gamma: TensorInfo; beta: TensorInfo; shortcut?: TensorInfo },
  epsilon: number,
  relu: boolean,
): TensorInfo[] {
  const { view, R, C } = flatRows(inputs.x);
  const plan = planFor(backend, R, C);
  const partialSize = plan.splits * 2 * C;
  if (flatRows(inputs.partial).view.shape[0] !== partialSize) {
    throw new Error(`batchNormApply: partial sums of shape [${inputs.partial.shape.join(', ')}]; this x needs [${plan.splits}, 2, ${C}]`);
  }
  const mean = backend.makeTensorInfo([C], 'float32');
  const variance = backend.makeTensorInfo([C], 'float32');
  const shortcut = inputs.shortcut ? [flatRows(inputs.shortcut).view] : [];
  const program = new ApplyProgram(R, C, plan, shortcut.length > 0);
  const y = runProgram(backend, program, [view, reshaped(inputs.partial, [partialSize]), inputs.gamma, inputs.beta, ...shortcut, mean, variance], slicedUniforms(R, C, plan, relu, epsilon));
  return [reshaped(y, inputs.x.shape), mean, variance];
}
