/**
 * The training step's loss head as two small WGSL passes (three where the loss and the count are
 * asked for apart) instead of about thirty tf-op
 * dispatches (logSoftmax's max, subtract, exp, sum, log and subtract, the product with the
 * targets, two reductions and a negation, the same again backwards, and two argMax, an equal, a
 * cast and a sum for the accuracy count):
 *
 *   loss:    L = (1/N) Σ_r [ (Σ_k t_rk) · lse(z_r) − Σ_k t_rk z_rk ]   (soft-target cross-entropy)
 *   grad:    ∂L/∂z_rk = dL/N · ( (Σ_j t_rj) · softmax(z_r)_k − t_rk )
 *   correct: #{ r : argmax_k z_rk = argmax_k t_rk }   (the first index of a tie, as tf.argMax)
 *
 * lse(z) = m + log Σ exp(z − m) with m = max z, so no exp overflows. Σt is kept rather than
 * assumed 1: the formulas are exact for any target rows, as the tf-op version is. The targets
 * are whatever the tricks made (one-hot, label smoothing, mixup or CutMix blends), so one kernel
 * serves them all. Rows are few (a batch) and short (10 or 100 classes): the loss and count are
 * one workgroup (together or each alone), the gradient one thread per row. Targets may be int32 (plain one-hot
 * labels, before any trick made them soft): the shaders read them through f32().
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { copySlice } from './arena';
import { ceilDiv, intFields, ints, runProgram, type WebGPUBackend, type WebGPUProgram } from './program';

const REDUCE_THREADS = 256;
const ROW_THREADS = 64;

/** 'both': the loss and the correct count in one pass, as a [2] result (loss, count). */
type Mode = 'loss' | 'grad' | 'correct' | 'both';

/** WGSL: m (row max), e (Σ exp(z − m)) and ts (Σ t) of row `r` of logits/targets. */
const ROW_STATS = `
  let base = r * uniforms.K;
  var m = logits[base];
  for (var k = 1; k < uniforms.K; k = k + 1) { m = max(m, logits[base + k]); }
  var e = 0.0;
  var tz = 0.0;
  var ts = 0.0;
  for (var k = 0; k < uniforms.K; k = k + 1) {
    let z = logits[base + k] - m;
    let t = f32(targets[base + k]);
    e = e + exp(z);
    tz = fma(t, z, tz);
    ts = ts + t;
  }
`;

class CrossEntropyProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = intFields('N', 'K');
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  constructor(
    N: number,
    K: number,
    private readonly mode: Mode,
  ) {
    this.variableNames = mode === 'grad' ? ['logits', 'targets', 'dy'] : ['logits', 'targets'];
    this.outputShape = mode === 'grad' ? [N, K] : [mode === 'both' ? 2 : 1];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    const threads = mode === 'grad' ? ROW_THREADS : REDUCE_THREADS;
    this.workgroupSize = [threads, 1, 1];
    this.dispatch = [mode === 'grad' ? ceilDiv(N, threads) : 1, 1, 1];
    this.shaderKey = `tlCrossEntropy_${mode}`;
  }

  getUserCode(): string {
    if (this.mode === 'grad') {
      return `
        fn main(index : i32) {
          let r = index;
          if (r < uniforms.N) {
            ${ROW_STATS}
            let scale = dy[0] / f32(uniforms.N);
            let p = ts / e;
            for (var k = 0; k < uniforms.K; k = k + 1) {
              result[base + k] = scale * fma(p, exp(logits[base + k] - m), -f32(targets[base + k]));
            }
          }
        }
      `;
    }
    // One workgroup: each thread takes rows t, t + 256, …; then a tree sum (two in turn through
    // the same array for 'both').
    const loss = `${ROW_STATS}
         s = s + (ts * log(e) - tz);`;
    const correct = `let cbase = r * uniforms.K;
         var zi = 0;
         var ti = 0;
         for (var k = 1; k < uniforms.K; k = k + 1) {
           if (logits[cbase + k] > logits[cbase + zi]) { zi = k; }
           if (f32(targets[cbase + k]) > f32(targets[cbase + ti])) { ti = k; }
         }
         if (zi == ti) { c = c + 1.0; }`;
    const perRow = { loss, correct, both: `${loss}\n${correct}` }[this.mode];
    const treeSum = (value: string, out: string) => `
        sums[lane] = ${value};
        workgroupBarrier();
        for (var stride = ${REDUCE_THREADS / 2}; stride > 0; stride = stride / 2) {
          if (lane < stride) { sums[lane] = sums[lane] + sums[lane + stride]; }
          workgroupBarrier();
        }
        if (lane == 0) { ${out}; }
        workgroupBarrier();`;
    const lossSum = treeSum('s', 'result[0] = sums[0] / f32(uniforms.N)');
    const correctSum = treeSum('c', `result[${this.mode === 'both' ? 1 : 0}] = sums[0]`);
    return `
      var<workgroup> sums : array<f32, ${REDUCE_THREADS}>;

      fn main(index : i32) {
        let lane = i32(localIndex);
        var s = 0.0;
        var c = 0.0;
        for (var r = lane; r < uniforms.N; r = r + ${REDUCE_THREADS}) {
          ${perRow}
        }
        ${this.mode !== 'correct' ? lossSum : ''}
        ${this.mode !== 'loss' ? correctSum : ''}
      }
    `;
  }
}

function run(backend: WebGPUBackend, mode: Mode, inputs: TensorInfo[]): TensorInfo {
  const [N, K] = inputs[0].shape;
  return runProgram(backend, new CrossEntropyProgram(N, K, mode), inputs, ints(N, K));
}

/** Mean soft-target cross-entropy of logits [N, K] against targets [N, K], as a [1] tensor. */
export function crossEntropyLoss(backend: WebGPUBackend, logits: TensorInfo, targets: TensorInfo): TensorInfo {
  return run(backend, 'loss', [logits, targets]);
}

/** ∂L/∂logits for the loss above, scaled by dy (its upstream gradient, shape [1]). */
export function crossEntropyGrad(backend: WebGPUBackend, logits: TensorInfo, targets: TensorInfo, dy: TensorInfo): TensorInfo {
  return run(backend, 'grad', [logits, targets, dy]);
}

/**
 * [the mean soft-target cross-entropy, the correct count] as two [1] tensors: one dispatch (and
 * two buffer copies, not dispatches) where the two above take one each.
 */
export function crossEntropyAndCorrect(backend: WebGPUBackend, logits: TensorInfo, targets: TensorInfo): [TensorInfo, TensorInfo] {
  const both = run(backend, 'both', [logits, targets]);
  const out: [TensorInfo, TensorInfo] = [copySlice(backend, both, 0, [1]), copySlice(backend, both, 1, [1])];
  backend.disposeData(both.dataId);
  return out;
}

/** Rows whose top logit is the targets' top class (ties: the first index), as a [1] float tensor. */
export function countCorrectRows(backend: WebGPUBackend, logits: TensorInfo, targets: TensorInfo): TensorInfo {
  return run(backend, 'correct', [logits, targets]);
}
