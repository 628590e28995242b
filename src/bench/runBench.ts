/**
 * The training-speed bench shared by `npm run bench` (Node + Dawn) and bench.html (browser):
 * the engine's real training step (createModel + createTrainStep: forward, softmax
 * cross-entropy, backward, SGD Nesterov with weight decay, BatchNorm running averages) on CIFAR
 * ResNets, with our WebGPU kernels and with tfjs's stock ones in the same run, plus kernel
 * micro-benchmarks (Conv2DBackpropFilter and BatchNorm forward+backward at a ResNet layer shape).
 *
 * Per configuration it reports images/s (wall clock over `steps` steps after `warmup` steps,
 * synchronised by reading the loss back once at the end), GPU dispatches per step, and the
 * kernels that take the most GPU time in one profiled step (tf.profile; GPU timestamps when the
 * adapter has 'timestamp-query'). Pure TS without DOM: the page and the CLI format the result.
 */
import * as tf from '@tensorflow/tfjs';
import { makeConfig, type ExperimentConfig } from '../engine/config';
import { batchNormFn, setCustomKernels } from '../engine/kernels';
import { createModel, disposeModel } from '../engine/model';
import { BN_EPSILON } from '../engine/model/layers';
import { createRng, type Rng } from '../engine/rng';
import { createTrainStep } from '../engine/train/step';
import { countDispatches } from './dispatchCounter';
import { createInputFeed, type BenchData } from './inputFeed';

export type KernelMode = 'custom' | 'stock';

export interface BenchOptions {
  /** CIFAR ResNet depths (6n + 2). */
  depths: number[];
  /** Images per step. */
  batches: number[];
  /** Multiplies the 16/32/64 stage widths. */
  widthMultiplier: number;
  /** Input side in pixels. */
  resolution: number;
  /** Timed steps per configuration. */
  steps: number;
  /** Untimed steps first (pipeline compilation, buffer pool warm-up). */
  warmup: number;
  /** Kernel sets to compare, in order. */
  modes: KernelMode[];
  /** Profile one step per configuration for the top-kernels table. */
  profile: boolean;
  /** Kernel micro-benchmarks: batch for the layer shape (0 = skip them). */
  microBatch: number;
  /** Run the training-step benchmarks (false = micro-benchmarks only). */
  train: boolean;
  /** Real data through the input pipeline instead of one resident random batch (src/bench/inputFeed.ts). */
  data?: BenchData;
  /** Progress lines. */
  log?: (line: string) => void;
}

export const DEFAULT_BENCH: BenchOptions = {
  depths: [20, 56],
  batches: [128, 512],
  widthMultiplier: 1,
  resolution: 32,
  steps: 10,
  warmup: 3,
  modes: ['custom', 'stock'],
  profile: true,
  microBatch: 128,
  train: true,
};

export interface KernelTime {
  /** Registered kernel name (Conv2DBackpropFilter, TrickLabBatchNormGrad, …). */
  name: string;
  calls: number;
  /** GPU time in one step, milliseconds (0 when the adapter has no timestamps). */
  ms: number;
}

export interface TrainRow {
  depth: number;
  batch: number;
  mode: KernelMode;
  msPerStep: number;
  imagesPerSecond: number;
  dispatchesPerStep: number;
  /** Dispatches per program class in one step, most first (at most 10). */
  dispatchesByProgram: [string, number][];
  /** Kernels by GPU time in one profiled step, largest first (at most 8). */
  topKernels: KernelTime[];
}

export interface MicroRow {
  name: string;
  mode: KernelMode;
  /** Wall-clock milliseconds per call: the median over rounds of the mean over `steps` calls. */
  ms: number;
  dispatches: number;
}

export interface BenchReport {
  backend: string;
  timestamps: boolean;
  options: Omit<BenchOptions, 'log' | 'data'>;
  /** What the steps trained on: 'resident random tensor', or the dataset and where its batches were built. */
  input: string;
  training: TrainRow[];
  micro: MicroRow[];
}

const NUM_CLASSES = 10;

function now(): number {
  return performance.now();
}

function randomTensor(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = scale * rng.normal();
  return tf.tensor(data, shape);
}

function randomBatch(rng: Rng, batch: number, resolution: number): { x: tf.Tensor4D; targets: tf.Tensor2D } {
  const labels = Int32Array.from({ length: batch }, () => rng.int(NUM_CLASSES));
  const x = randomTensor(rng, [batch, resolution, resolution, 3]) as tf.Tensor4D;
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D);
  return { x, targets };
}

/** Sums tf.profile's kernel records by registered kernel name (scopes such as customGrad excluded). */
async function profileKernels(f: () => void): Promise<KernelTime[]> {
  const info = await tf.profile(f);
  const byName = new Map<string, KernelTime>();
  const backendName = tf.getBackend();
  for (const k of info.kernels) {
    if (!tf.getKernel(k.name, backendName)) continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byName.set(k.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms || b.calls - a.calls);
}

function benchConfig(depth: number, batch: number, opts: BenchOptions): ExperimentConfig {
  return makeConfig({
    model: { depth, widthMultiplier: opts.widthMultiplier },
    data: { resolution: opts.resolution },
    optim: { batchSize: batch },
  });
}

/** One (depth, batch, kernel set) training measurement. */
async function benchTraining(depth: number, batch: number, mode: KernelMode, opts: BenchOptions): Promise<TrainRow> {
  setCustomKernels(mode === 'custom');
  const config = benchConfig(depth, batch, opts);
  const rng = createRng(config.run.seed);
  const numClasses = opts.data?.numClasses ?? NUM_CLASSES;
  const model = createModel(config.model, numClasses, rng.fork('model'));
  const step = createTrainStep({
    model,
    config,
    tricks: [],
    runtime: { config, numClasses, rng: rng.fork('tricks') },
    batchNorm: mode === 'custom' ? batchNormFn(BN_EPSILON) : undefined,
  });
  const data = randomBatch(rng.fork('data'), batch, opts.resolution);
  const lr = config.optim.lr;
  const feed = opts.data ? createInputFeed(opts.data.split, { batch, resolution: opts.resolution, numClasses, placement: opts.data.placement }) : null;
  const runStep = () => {
    const fed = feed?.next();
    const out = step.run(fed ?? data, lr);
    if (fed) tf.dispose([fed.x, fed.targets]);
    return out;
  };
  try {
    for (let i = 0; i < opts.warmup; i++) {
      const out = runStep();
      await out.loss.data();
      tf.dispose([out.loss, out.correct]);
    }
    const start = now();
    let last: tf.Scalar | null = null;
    for (let i = 0; i < opts.steps; i++) {
      const out = runStep();
      if (last) last.dispose();
      out.correct.dispose();
      last = out.loss;
    }
    const loss = last ? (await last.data())[0] : NaN;
    last?.dispose();
    const ms = (now() - start) / opts.steps;
    if (!Number.isFinite(loss)) throw new Error(`depth ${depth} batch ${batch} ${mode}: loss is ${loss}`);

    const counted = countDispatches(() => {
      const out = runStep();
      tf.dispose([out.loss, out.correct]);
    });
    const byProgram = [...counted.byProgram.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    let topKernels: KernelTime[] = [];
    if (opts.profile) {
      topKernels = (await profileKernels(() => {
        const out = runStep();
        tf.dispose([out.loss, out.correct]);
      })).slice(0, 8);
    }
    return { depth, batch, mode, msPerStep: ms, imagesPerSecond: (1000 * batch) / ms, dispatchesPerStep: counted.total, dispatchesByProgram: byProgram, topKernels };
  } finally {
    tf.dispose([data.x, data.targets]);
    feed?.dispose();
    step.dispose();
    disposeModel(model);
  }
}

/** Mean wall-clock ms of `f` over `reps` calls after one warm-up call; f returns what to await. */
async function timeCalls(reps: number, f: () => tf.Tensor[]): Promise<number> {
  tf.dispose(await settle(f()));
  const start = now();
  let outs: tf.Tensor[] = [];
  for (let i = 0; i < reps; i++) {
    tf.dispose(outs);
    outs = f();
  }
  await settle(outs);
  const ms = (now() - start) / reps;
  tf.dispose(outs);
  return ms;
}

async function settle(outs: tf.Tensor[]): Promise<tf.Tensor[]> {
  await Promise.all(outs.map((t) => t.data()));
  return outs;
}

/** Rounds of the micro-benchmarks; modes alternate within a round, the median is reported. */
const MICRO_ROUNDS = 3;

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
async function benchMicro(opts: BenchOptions, reps: number): Promise<MicroRow[]> {
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
    const filterGrad = () => [
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 1, dataFormat: 'NHWC', filterShape: [3, 3, c, c] } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ];
    const bn = batchNormFn(BN_EPSILON);
    const bnStep = () => {
      const { value, grads } = tf.variableGrads(() => {
        const { y, mean, variance } = bn(x, gamma, beta);
        tf.dispose([mean, variance]);
        return tf.sum(tf.mul(tf.relu(y), dy)) as tf.Scalar;
      }, [gamma, beta]);
      return [value, grads[gamma.name], grads[beta.name]];
    };
    const shape = `${b}×${s}×${s}×${c}`;
    const cases = [[`Conv2DBackpropFilter 3×3 ${shape}→${c}`, filterGrad], [`BatchNorm fwd+bwd ${shape} (+ReLU, sum)`, bnStep]] as const;
    for (const [name, f] of cases) {
      const times = new Map<KernelMode, number[]>(opts.modes.map((m) => [m, []]));
      for (let round = 0; round < MICRO_ROUNDS; round++) {
        for (const mode of opts.modes) {
          setCustomKernels(mode === 'custom');
          times.get(mode)?.push(await timeCalls(reps, f));
        }
      }
      for (const mode of opts.modes) {
        setCustomKernels(mode === 'custom');
        const dispatches = countDispatches(() => tf.dispose(f())).total;
        rows.push({ name, mode, ms: median(times.get(mode) ?? []), dispatches });
      }
    }
  } finally {
    tf.dispose([x, dy, gamma, beta]);
  }
  return rows;
}

/** Runs the whole bench; leaves our kernels disabled (the stock ones registered) afterwards. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const report: BenchReport = {
    backend: tf.getBackend(),
    timestamps: Boolean((tf.backend() as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery),
    options: { ...options, log: undefined, data: undefined } as Omit<BenchOptions, 'log' | 'data'>,
    input: options.data ? `${options.data.name}, batches built on the ${options.data.placement}` : 'resident random tensor',
    training: [],
    micro: [],
  };
  try {
    if (options.microBatch > 0) {
      log(`kernel micro-benchmarks (${options.modes.join(' and ')} kernels, ${MICRO_ROUNDS} alternating rounds)…`);
      report.micro.push(...(await benchMicro(options, Math.max(1, options.steps))));
    }
    for (const depth of options.train ? options.depths : []) {
      for (const batch of options.batches) {
        for (const mode of options.modes) {
          log(`ResNet-${depth}, batch ${batch}, ${mode} kernels…`);
          const row = await benchTraining(depth, batch, mode, options);
          log(`  ${row.msPerStep.toFixed(1)} ms/step, ${row.imagesPerSecond.toFixed(1)} img/s, ${row.dispatchesPerStep} dispatches/step`);
          report.training.push(row);
        }
      }
    }
  } finally {
    setCustomKernels(false);
  }
  return report;
}
