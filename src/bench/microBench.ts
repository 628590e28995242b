/**
 * Kernel micro-benchmarks of the bench (runBench.ts): Conv2DBackpropFilter alone, and
 * BatchNorm(+ReLU) forward+backward, at ResNet-20's first-stage shape, with our kernels and the
 * stock ones alternating round by round.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV_FILTER_GRAD_KERNEL, fusedBatchNorm, usesCustomKernels } from '../engine/kernels';
import { BN_EPSILON } from '../engine/model/layers';
import { createRng } from '../engine/rng';
import { countDispatches } from './dispatchCounter';
import type { BenchOptions, KernelMode, MicroRow } from './runBench';
import { randomTensor } from './randomBatch';

/** Mean wall-clock ms of `f` over `reps` calls after one warm-up call; f returns what to await. */
async function timeCalls(reps: number, f: () => tf.Tensor[]): Promise<number> {
  tf.dispose(await settle(f()));
  const start = performance.now();
  let outs: tf.Tensor[] = [];
  for (let i = 0; i < reps; i++) {
    tf.dispose(outs);
    outs = f();
  }
  await settle(outs);
  const ms = (performance.now() - start) / reps;
  tf.dispose(outs);
  return ms;
}

async function settle(outs: tf.Tensor[]): Promise<tf.Tensor[]> {
  await Promise.all(outs.map((t) => t.data()));
  return outs;
}

/** Rounds of the micro-benchmarks; modes alternate within a round, the median is reported. */
export const MICRO_ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Kernel micro-benchmarks at ResNet-20's first-stage shape (32×32×16 → 16, 3×3, pad 1, scaled
 * by resolution and width): Conv2DBackpropFilter alone, and BatchNorm(+ReLU) forward+backward.
 * Our kernels and the stock ones alternate, round by round, so drifting machine load (a shared
 * CPU running SwiftShader) affects both alike.
 */
export async function benchMicro(opts: BenchOptions, reps: number): Promise<MicroRow[]> {
  const rng = createRng(11);
  const b = opts.microBatch;
  const s = opts.resolution;
  const c = Math.max(1, Math.round(16 * opts.widthMultiplier));
  const x = randomTensor(rng, [b, s, s, c]) as tf.Tensor4D;
  const dy = randomTensor(rng, [b, s, s, c]) as tf.Tensor4D;
  const gamma = tf.variable(tf.ones([c])) as tf.Variable<tf.Rank.R1>;
  const beta = tf.variable(tf.zeros([c])) as tf.Variable<tf.Rank.R1>;
  const rows: MicroRow[] = [];
  try {
    // Each case takes the kernel set it runs with, as a run does.
    const filterGrad = (mode: KernelMode) => [
      tf.engine().runKernel(usesCustomKernels(mode) ? CONV_FILTER_GRAD_KERNEL : tf.Conv2DBackpropFilter, { x, dy }, { strides: [1, 1], pad: 1, dataFormat: 'NHWC', filterShape: [3, 3, c, c] } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ];
    const bnStep = (mode: KernelMode) => {
      const { value, grads } = tf.variableGrads(() => {
        const { y, mean, variance } = fusedBatchNorm(x, gamma, beta, { epsilon: BN_EPSILON, training: true, relu: true, kernels: mode });
        tf.dispose([mean, variance]);
        return tf.sum(tf.mul(y, dy)) as tf.Scalar;
      }, [gamma, beta]);
      return [value, grads[gamma.name], grads[beta.name]];
    };
    const shape = `${b}×${s}×${s}×${c}`;
    const cases = [[`Conv2DBackpropFilter 3×3 ${shape}→${c}`, filterGrad], [`BatchNorm fwd+bwd ${shape} (+ReLU, sum)`, bnStep]] as const;
    for (const [name, f] of cases) {
      // A single kernel has no step to compile: 'compiled' runs the same kernels as 'custom'.
      const modes = opts.modes.filter((m) => m !== 'compiled');
      const times = new Map<KernelMode, number[]>(modes.map((m) => [m, []]));
      for (let round = 0; round < MICRO_ROUNDS; round++) {
        for (const mode of modes) times.get(mode)?.push(await timeCalls(reps, () => f(mode)));
      }
      for (const mode of modes) {
        const dispatches = countDispatches(() => tf.dispose(f(mode))).total;
        rows.push({ name, mode, ms: median(times.get(mode) ?? []), dispatches });
      }
    }
  } finally {
    tf.dispose([x, dy, gamma, beta]);
  }
  return rows;
}

