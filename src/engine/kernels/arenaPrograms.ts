/**
 * The update kernels over flat arenas (the tensors copied in and out by arena.ts), each one
 * dispatch for every tensor of a step, writing in place (a program's `result` binding is
 * read_write):
 * - SGD over state = [w (N); buf (N)] from the gathered gradients g (N): weight decay wd on
 *   elements [0, decayEnd) and 0 after (the arena puts the decayed parameters first); optional
 *   `gate` (false keeps the state) and `scale` (g is loss-scaled: g/scale is the gradient);
 * - "all finite" over the gathered gradients, the gate of a loss-scaled step (one workgroup);
 * - running averages over [r (M); b (M)] with a per-element coefficient m·s.
 * Same arithmetic and fma order as the per-tensor forms (updatePrograms.ts) and as the tf ops
 * they replace (1/scale then a product, as tf.div and tf.mul), so they give the same bits.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, type Uniform, type WebGPUBackend, type WebGPUProgram } from './program';
import { floats, type SgdHyper } from './updatePrograms';

const WORKGROUP = 256;

/** One thread per arena element: 'sgd' updates w and buf from g; 'average' mixes b into r. */
class ArenaProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms: string;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  /** The learning rate changes every step: a captured step (capture.ts) writes it per replay. */
  stepScalars?: Readonly<Record<string, number>>;

  /** `count` = elements per half of the arena (N or M); the arena has 2·count. */
  constructor(
    count: number,
    private readonly mode: 'sgd' | 'average',
    private readonly options: { nesterov: boolean; gated: boolean; scaled: boolean },
  ) {
    const { nesterov, gated, scaled } = options;
    this.variableNames = mode === 'sgd' ? ['g', ...(gated ? ['gate'] : []), ...(scaled ? ['scale'] : [])] : ['coef'];
    this.uniforms = mode === 'sgd' ? 'lr : f32, momentum : f32, weightDecay : f32, count : i32, decayEnd : i32,' : 'keep : f32, count : i32,';
    this.outputShape = [2 * count];
    this.dispatch = [ceilDiv(Math.max(1, count), WORKGROUP), 1, 1];
    this.shaderKey = `tlArena_${mode}_${nesterov}_${gated}_${scaled}`;
    if (mode === 'sgd') this.stepScalars = { lr: 0 };
  }

  getUserCode(): string {
    if (this.mode === 'average') {
      return `
        fn main(index : i32) {
          if (index < uniforms.count) {
            result[index] = fma(uniforms.keep, result[index], coef[index] * result[uniforms.count + index]);
          }
        }
      `;
    }
    const { nesterov, gated, scaled } = this.options;
    return `
      fn main(index : i32) {
        let n = uniforms.count;
        if (index >= n${gated ? ' || gate[0] == 0' : ''}) {
          return;
        }
        let w = result[index];
        let wd = select(0.0, uniforms.weightDecay, index < uniforms.decayEnd);
        let gd = fma(wd, w, ${scaled ? 'g[index] * (1.0 / scale[0])' : 'g[index]'});
        let buf = fma(uniforms.momentum, result[n + index], gd);
        result[n + index] = buf;
        result[index] = w - uniforms.lr * ${nesterov ? 'fma(uniforms.momentum, buf, gd)' : 'buf'};
      }
    `;
  }
}

/** One workgroup: 1 when every element of x is finite, else 0 (a bool [1]). */
class AllFiniteProgram implements WebGPUProgram {
  variableNames = ['x'];
  uniforms = 'count : i32,';
  outputShape = [1];
  shaderKey = 'tlArena_allFinite';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  getUserCode(): string {
    // Exponent bits all ones: ±Inf or NaN (a bit test, so no compiler can assume them away).
    return `
      var<workgroup> bad : array<u32, ${WORKGROUP}>;
      fn main(index : i32) {
        var b = 0u;
        for (var i = index; i < uniforms.count; i = i + ${WORKGROUP}) {
          b = b | u32((bitcast<u32>(x[i]) & 0x7f800000u) == 0x7f800000u);
        }
        bad[localIndex] = b;
        workgroupBarrier();
        for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
          if (localIndex < s) {
            bad[localIndex] = bad[localIndex] | bad[localIndex + s];
          }
          workgroupBarrier();
        }
        if (localIndex == 0u) {
          result[0] = i32(bad[0] == 0u);
        }
      }
    `;
  }
}

/** The arena's layout for weight decay: elements [0, decayEnd) get `weightDecay`, the rest none. */
export interface ArenaSgdHyper extends SgdHyper {
  decayEnd: number;
}

/**
 * One SGD step for every parameter at once, in place on state = [w (N); buf (N)] with g (N) the
 * gathered gradients: 1 dispatch. A closed `gate` leaves the state as it is; with `scale` the
 * gradients are loss-scaled and divided by it first.
 */
export function sgdArenaStep(
  backend: WebGPUBackend,
  arrays: { state: TensorInfo; g: TensorInfo; gate?: TensorInfo; scale?: TensorInfo },
  hyper: ArenaSgdHyper,
): void {
  const { state, g, gate, scale } = arrays;
  const n = g.shape[0];
  const program = new ArenaProgram(n, 'sgd', { nesterov: hyper.nesterov, gated: gate !== undefined, scaled: scale !== undefined });
  const uniforms: Uniform[] = [...floats(hyper.lr, hyper.momentum, hyper.weightDecay), { type: 'int32', data: [n] }, { type: 'int32', data: [hyper.decayEnd] }];
  const inputs = [g, ...(gate ? [gate] : []), ...(scale ? [scale] : [])];
  backend.runWebGPUProgram(program, inputs, 'float32', uniforms, state);
}

/** Whether every value of a float32 tensor is finite: a bool [1], in 1 dispatch. */
export function allFinite(backend: WebGPUBackend, x: TensorInfo): TensorInfo {
  const count = x.shape.reduce((a, b) => a * b, 1);
  return backend.runWebGPUProgram(new AllFiniteProgram(), [x], 'bool', [{ type: 'int32', data: [count] }]);
}

/** Every running average at once, in place on state = [r (M); b (M)]: r ← (1 − m)·r + coef·b, 1 dispatch. */
export function runningAverageArenaStep(backend: WebGPUBackend, state: TensorInfo, coef: TensorInfo, momentum: number): void {
  const m = coef.shape[0];
  const program = new ArenaProgram(m, 'average', { nesterov: false, gated: false, scaled: false });
  backend.runWebGPUProgram(program, [coef], 'float32', [...floats(1 - momentum), { type: 'int32', data: [m] }], state);
}
