/**
 * The bookkeeping after an FP16 step (dynamic loss scaling, Micikevicius et al. 2018, "Mixed
 * Precision Training", §3.2; as PyTorch's GradScaler) in one dispatch, in place on a 3-float
 * state [scale, clean, skipped]: a clean step counts towards doubling the scale after
 * `growthInterval` of them; an overflow halves it, resets the count and counts a skipped step.
 * Every value is a power of two or a small integer, so f32 gives the same numbers as the tf ops
 * it replaces (tricks/fp16.ts), bit for bit.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from './program';
import { floats } from './updatePrograms';

/** Where each value sits in the state. */
export const LOSS_SCALE_SLOTS = { scale: 0, clean: 1, skipped: 2 } as const;
export const LOSS_SCALE_STATE_SIZE = 3;

/** The loss-scaling policy: clean steps before doubling, and the scale's bounds. */
export interface LossScaleHyper {
  growthInterval: number;
  minScale: number;
  maxScale: number;
}

/** One thread: reads `finite` (bool) and rewrites the state (the `result` binding, read_write). */
class LossScaleProgram implements WebGPUProgram {
  variableNames = ['finite'];
  uniforms = 'growthInterval : f32, minScale : f32, maxScale : f32,';
  outputShape = [LOSS_SCALE_STATE_SIZE];
  shaderKey = 'tlLossScale';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [1, 1, 1];

  getUserCode(): string {
    const { scale, clean, skipped } = LOSS_SCALE_SLOTS;
    return `
      fn main(index : i32) {
        if (index != 0) {
          return;
        }
        let ok = finite[0] != 0;
        let s = result[${scale}];
        let count = result[${clean}] + 1.0;
        let grow = count >= uniforms.growthInterval;
        let grown = select(s, min(s * 2.0, uniforms.maxScale), grow);
        result[${scale}] = select(max(s * 0.5, uniforms.minScale), grown, ok);
        result[${clean}] = select(0.0, count, ok && !grow);
        result[${skipped}] = result[${skipped}] + select(1.0, 0.0, ok);
      }
    `;
  }
}

/** Updates state = [scale, clean, skipped] (float32 [3]) in place from `finite` (a bool scalar): 1 dispatch. */
export function lossScaleStep(backend: WebGPUBackend, state: TensorInfo, finite: TensorInfo, hyper: LossScaleHyper): void {
  if (state.shape.length !== 1 || state.shape[0] !== LOSS_SCALE_STATE_SIZE || state.dtype !== 'float32') {
    throw new Error(`loss scale: the state must be float32 [${LOSS_SCALE_STATE_SIZE}], got ${state.dtype} [${state.shape.join(', ')}]`);
  }
  if (finite.dtype !== 'bool') throw new Error(`loss scale: 'finite' must be bool, got ${finite.dtype}`);
  const uniforms = floats(hyper.growthInterval, hyper.minScale, hyper.maxScale);
  backend.runWebGPUProgram(new LossScaleProgram(), [finite], 'float32', uniforms, state);
}
