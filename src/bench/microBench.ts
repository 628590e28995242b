/**
 * Kernel micro-benchmarks of the bench (runBench.ts): the convolution's forward pass, filter
 * gradient and input gradient (stride 1, and the stride-2 downsampling conv that doubles the
 * channels), and
 * BatchNorm(+ReLU) forward+backward, at ResNet-20's first-stage shape, with our kernels and the
 * stock ones alternating round by round, and how far ours land from stock's values.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV2D_KERNEL, CONV_FILTER_GRAD_KERNEL, CONV_INPUT_GRAD_KERNEL, fusedBatchNorm, usesCustomKernels } from '../engine/kernels';
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

/** Largest |a − b| over the elements of two lists of same-shaped tensors. */
async function maxAbsDiff(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const [u, v] = await Promise.all([a[i].data(), b[i].data()]);
    for (let j = 0; j < u.length; j++) worst = Math.max(worst, Math.abs(u[j] - v[j]));
  }
  return worst;
}

/**
 * Kernel micro-benchmarks at ResNet-20's first-stage shape (32×32×16 → 16, 3×3, pad 1, scaled
 * by resolution and width): Conv2D (the forward pass) and Conv2DBackpropInput alone, each at
 * stride 1 and at stride 2 (→ 16×16×32, the first conv of the next stage);
 * Conv2DBackpropFilter alone; BatchNorm(+ReLU)
 * forward+backward. Our kernels and the stock ones alternate, round by round, so drifting
 * machine load (a shared CPU running SwiftShader) affects both alike.
 */
export async function benchMicro(opts: BenchOptions, reps: number): Promise<MicroRow[]> {
  const rng = createRng(11);
  const b = opts.microBatch;
  const s = opts.resolution;
  const c = Math.max(1, Math.round(16 * opts.widthMultiplier));
  const x = randomTensor(rng, [b, s, s, c]) as tf.Tensor4D;
  const dy = randomTensor(rng, [b, s, s, c]) as tf.Tensor4D;
  const filter = randomTensor(rng, [3, 3, c, c], 0.1) as tf.Tensor4D;
  // The downsampling conv: stride 2, pad 1, twice the channels out.
  const s2 = Math.floor((s - 1) / 2) + 1;
  const dyDown = randomTensor(rng, [b, s2, s2, 2 * c]) as tf.Tensor4D;
  const filterDown = randomTensor(rng, [3, 3, c, 2 * c], 0.1) as tf.Tensor4D;
  const gamma = tf.variable(tf.ones([c])) as tf.Variable<tf.Rank.R1>;
  const beta = tf.variable(tf.zeros([c])) as tf.Variable<tf.Rank.R1>;
  const rows: MicroRow[] = [];
  try {
    // Each case takes the kernel set it runs with, as a run does.
    const filterGrad = (mode: KernelMode) => [
      tf.engine().runKernel(usesCustomKernels(mode) ? CONV_FILTER_GRAD_KERNEL : tf.Conv2DBackpropFilter, { x, dy }, { strides: [1, 1], pad: 1, dataFormat: 'NHWC', filterShape: [3, 3, c, c] } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ];
    const forward = (stride: number, w: tf.Tensor4D) => (mode: KernelMode) => [
      tf.engine().runKernel(usesCustomKernels(mode) ? CONV2D_KERNEL : tf.Conv2D, { x, filter: w }, { strides: [stride, stride], pad: 1, dataFormat: 'NHWC', dilations: [1, 1] } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ];
    const inputGrad = (stride: number, g: tf.Tensor4D, w: tf.Tensor4D) => (mode: KernelMode) => [
      tf.engine().runKernel(usesCustomKernels(mode) ? CONV_INPUT_GRAD_KERNEL : tf.Conv2DBackpropInput, { dy: g, filter: w }, { strides: [stride, stride], pad: 1, dataFormat: 'NHWC', inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
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
    const cases = [
      [`Conv2D 3×3 s1 ${shape}→${c}`, forward(1, filter)],
      [`Conv2D 3×3 s2 ${shape}→${2 * c}`, forward(2, filterDown)],
      [`Conv2DBackpropFilter 3×3 ${shape}→${c}`, filterGrad],
      [`Conv2DBackpropInput 3×3 s1 ${shape}→${c}`, inputGrad(1, dy, filter)],
      [`Conv2DBackpropInput 3×3 s2 ${shape}→${2 * c}`, inputGrad(2, dyDown, filterDown)],
      [`BatchNorm fwd+bwd ${shape} (+ReLU, sum)`, bnStep],
    ] as const;
    for (const [name, f] of cases) {
      // A single kernel has no step to compile: 'compiled' runs the same kernels as 'custom'.
      const modes = opts.modes.filter((m) => m !== 'compiled');
      const times = new Map<KernelMode, number[]>(modes.map((m) => [m, []]));
      for (let round = 0; round < MICRO_ROUNDS; round++) {
        for (const mode of modes) times.get(mode)?.push(await timeCalls(reps, () => f(mode)));
      }
      const stockOuts = modes.includes('stock') ? f('stock') : null;
      for (const mode of modes) {
        const dispatches = countDispatches(() => tf.dispose(f(mode))).total;
        let diff: number | null = null;
        if (stockOuts && mode !== 'stock') {
          const outs = f(mode);
          diff = await maxAbsDiff(outs, stockOuts);
          tf.dispose(outs);
        }
        rows.push({ name, mode, ms: median(times.get(mode) ?? []), dispatches, maxAbsDiff: diff });
      }
      tf.dispose(stockOuts ?? []);
    }
  } finally {
    tf.dispose([x, dy, filter, dyDown, filterDown, gamma, beta]);
  }
  return rows;
}

