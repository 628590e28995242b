/**
 * The training-speed bench shared by `npm run bench` (Node + Dawn) and bench.html (browser):
 * the engine's real training step (createModel + createTrainStep: forward, softmax
 * cross-entropy, backward, SGD Nesterov with weight decay, BatchNorm running averages) on CIFAR
 * ResNets, with our WebGPU kernels and with tfjs's stock ones in the same run, plus kernel
 * micro-benchmarks (microBench.ts).
 *
 * Per configuration, in this order: every pipeline of a step is created up front (compile-only
 * trace, timed apart from any step); then, when both kernel sets are asked for, each trains the
 * same seeded network on the same batch for SAME_LOSS_STEPS steps and their losses must agree
 * (sameLoss.ts) — nothing is timed otherwise; then `warmup` untimed steps and `steps` timed ones:
 * images/s and wall ms/step (synchronised by reading the last loss back), host ms/step (the time
 * to enqueue a step), GPU ms/step (one step under timestamp queries, where the adapter has them),
 * dispatches and distinct pipelines per step, and optionally the top kernels of one profiled
 * step. Pure TS without DOM: the page and the CLI format the result (format.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { makeConfig, type ExperimentConfig } from '../engine/config';
import type { KernelSet } from '../engine/kernels';
import { precompile } from '../engine/kernels/precompile';
import { setAdapterClass } from '../engine/kernels/program';
import { createModel, disposeModel } from '../engine/model';
import { createRng } from '../engine/rng';
import { createTrainStep } from '../engine/train/step';
import { fp16 } from '../engine/tricks/fp16';
import type { CompiledStepInfo } from '../engine/train/compiledStep';
import { createTrickStreams, resolveTricks } from '../engine/tricks/resolve';
import { countDispatches } from './dispatchCounter';
import { profileKernels, type KernelTime } from './profileKernels';

export type { KernelTime };
import { createInputFeed, type BenchData } from './inputFeed';
import { benchMicro, MICRO_ROUNDS } from './microBench';
import { randomBatch } from './randomBatch';
import { checkSameLoss, SAME_LOSS_STEPS, sameLossTolerance, type SameLossResult } from './sameLoss';

/** A kernel set the bench compares (each configuration's run carries its own). */
export type KernelMode = KernelSet;

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
  /** Untimed steps before the timed ones (buffer pool warm-up; pipelines are created before). */
  warmup: number;
  /** Kernel sets to compare, in order. */
  modes: KernelMode[];
  /** Profile one step per configuration for the top-kernels table. */
  profile: boolean;
  /** Kernel micro-benchmarks: batch for the layer shape (0 = skip them). */
  microBatch: number;
  /** Run the training-step benchmarks (false = micro-benchmarks only). */
  train: boolean;
  /** Train with the FP16 trick (emulated half precision, dynamic loss scaling from its default scale). */
  fp16: boolean;
  /**
   * How our kernels split work: 'auto' by the adapter; 'gpu' the many-workgroup splits a GPU gets
   * (BN row slices, split-K filter gradients) on any adapter, so a SwiftShader run counts a GPU's
   * dispatches; 'cpu' the few large workgroups a CPU adapter gets.
   */
  plan: WorkPlan;
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
  modes: ['compiled', 'custom', 'stock'],
  profile: true,
  microBatch: 128,
  train: true,
  fp16: false,
  plan: 'auto',
};

export type WorkPlan = 'auto' | 'gpu' | 'cpu';


export interface TrainRow {
  depth: number;
  batch: number;
  mode: KernelMode;
  /** Wall clock per timed step, milliseconds. */
  msPerStep: number;
  imagesPerSecond: number;
  /** Host time to enqueue one step (the synchronous part of step.run), milliseconds. */
  hostMsPerStep: number;
  /** GPU time of one step from timestamp queries, milliseconds; null without 'timestamp-query'. */
  gpuMsPerStep: number | null;
  dispatchesPerStep: number;
  /** Distinct pipelines (shader programs) one step dispatches. */
  pipelinesPerStep: number;
  /**
   * Pipelines this configuration created before its first step, and the milliseconds until all
   * were ready; pipelines an earlier configuration created come from the cache and are not counted.
   */
  compile: { pipelines: number; ms: number };
  /** The first SAME_LOSS_STEPS losses on the seeded network and batch. */
  losses: number[];
  /** Agreement with the other kernel set's losses (null when only one set ran). */
  sameLoss: SameLossResult | null;
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
  /** Largest |ours − stock| over the outputs (null on the stock row, or when stock did not run). */
  maxAbsDiff: number | null;
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

function benchConfig(depth: number, batch: number, mode: KernelMode, opts: BenchOptions): ExperimentConfig {
  return makeConfig({
    run: { kernels: mode },
    model: { depth, widthMultiplier: opts.widthMultiplier },
    data: { resolution: opts.resolution },
    optim: { batchSize: batch },
    tricks: opts.fp16 ? { fp16: { enabled: true, params: {} } } : {},
  });
}

type StepOutput = { loss: tf.Scalar; correct: tf.Scalar };

interface BenchStep {
  /** One training step on `fed`, or on the configuration's resident seeded random batch. */
  run(fed?: { x: tf.Tensor4D; targets: tf.Tensor2D }): StepOutput;
  /** The compiled step's path and counts (the 'compiled' kernel set only). */
  info(): CompiledStepInfo | undefined;
  /** One step timed on the GPU by the compiled step's own timestamps (null where it cannot). */
  timed(): Promise<number | null>;
  dispose(): void;
}

/** The seeded model, its training step and a seeded random batch, with the given kernel set. */
function buildStep(depth: number, batch: number, mode: KernelMode, opts: BenchOptions): BenchStep {
  const config = benchConfig(depth, batch, mode, opts);
  const rng = createRng(config.run.seed);
  const numClasses = opts.data?.numClasses ?? NUM_CLASSES;
  const model = createModel(config.model, numClasses, rng.fork('model'));
  // The config carries the kernel set, as a run's does.
  const step = createTrainStep({ model, config, tricks: resolveTricks(config, opts.fp16 ? [fp16] : []), runtime: { config, numClasses, streams: createTrickStreams(rng.fork('tricks')) } });
  const data = randomBatch(rng.fork('data'), batch, opts.resolution, numClasses);
  return {
    run: (fed) => step.run(fed ?? data, config.optim.lr),
    info: () => step.info,
    timed: async () => {
      if (!step.runTimed) return null;
      const { out, gpuMs } = step.runTimed(data, config.optim.lr);
      tf.dispose([out.loss, out.correct]);
      return gpuMs;
    },
    dispose: () => {
      tf.dispose([data.x, data.targets]);
      step.dispose();
      disposeModel(model);
    },
  };
}

interface Prepared {
  compile: TrainRow['compile'];
  losses: number[];
}

/** Creates the step's pipelines (on a throwaway model), then records the first losses of the seeded one. */
async function prepareTraining(depth: number, batch: number, mode: KernelMode, opts: BenchOptions): Promise<Prepared> {
  const { created, ms } = await precompile(() => {
    const throwaway = buildStep(depth, batch, mode, opts);
    try {
      const out = throwaway.run();
      tf.dispose([out.loss, out.correct]);
    } finally {
      throwaway.dispose();
    }
  });
  const step = buildStep(depth, batch, mode, opts);
  const losses: number[] = [];
  try {
    for (let i = 0; i < SAME_LOSS_STEPS; i++) {
      const out = step.run();
      losses.push((await out.loss.data())[0]);
      tf.dispose([out.loss, out.correct]);
    }
  } finally {
    step.dispose();
  }
  return { compile: { pipelines: created, ms }, losses };
}

/** One (depth, batch, kernel set) timing, after prepareTraining and the same-loss check. */
async function timeTraining(depth: number, batch: number, mode: KernelMode, opts: BenchOptions, prepared: Prepared, sameLoss: SameLossResult | null): Promise<TrainRow> {
  const step = buildStep(depth, batch, mode, opts);
  const numClasses = opts.data?.numClasses ?? NUM_CLASSES;
  const feed = opts.data ? createInputFeed(opts.data.split, { batch, resolution: opts.resolution, numClasses, placement: opts.data.placement }) : null;
  const runStep = (): StepOutput => {
    const fed = feed?.next();
    const out = step.run(fed);
    if (fed) tf.dispose([fed.x, fed.targets]);
    return out;
  };
  const discard = () => {
    const out = runStep();
    tf.dispose([out.loss, out.correct]);
  };
  try {
    // The compiled step runs its first step op by op and captures the second: both are warm-up.
    const warmup = mode === 'compiled' ? Math.max(opts.warmup, 2) : opts.warmup;
    for (let i = 0; i < warmup; i++) {
      const out = runStep();
      await out.loss.data();
      tf.dispose([out.loss, out.correct]);
    }
    let hostMs = 0;
    const start = now();
    let last: tf.Scalar | null = null;
    for (let i = 0; i < opts.steps; i++) {
      const enqueue = now();
      const out = runStep();
      hostMs += now() - enqueue;
      if (last) last.dispose();
      out.correct.dispose();
      last = out.loss;
    }
    const loss = last ? (await last.data())[0] : NaN;
    last?.dispose();
    const ms = (now() - start) / opts.steps;
    if (!Number.isFinite(loss)) throw new Error(`depth ${depth} batch ${batch} ${mode}: loss is ${loss}`);

    let gpuMsPerStep: number | null = null;
    // A compiled step's replay is invisible to tfjs's timers: it is timed by its own timestamps below.
    if (hasTimestamps() && mode !== 'compiled') {
      const timing = await tf.time(discard);
      gpuMsPerStep = typeof timing.kernelMs === 'number' ? timing.kernelMs : null;
    }
    const counted = countDispatches(discard);
    let byProgram = [...counted.byProgram.entries()].sort((a, b) => b[1] - a[1]);
    // A replayed step dispatches nothing through tfjs: its counts are the graph's.
    const info = step.info();
    if (info?.mode === 'compiled' && info.stats) {
      counted.total = info.stats.dispatches;
      counted.pipelines = info.stats.pipelines;
      byProgram = info.stats.byProgram;
      gpuMsPerStep = hasTimestamps() ? await step.timed() : null;
    } else if (mode === 'compiled') {
      throw new Error(`depth ${depth} batch ${batch}: the compiled step ran ${info?.note ?? 'op by op'}`);
    }
    const topKernels = opts.profile && mode !== 'compiled' ? (await profileKernels(discard)).slice(0, 8) : [];
    return {
      depth, batch, mode,
      msPerStep: ms, imagesPerSecond: (1000 * batch) / ms, hostMsPerStep: hostMs / opts.steps, gpuMsPerStep,
      dispatchesPerStep: counted.total, pipelinesPerStep: counted.pipelines, compile: prepared.compile,
      losses: prepared.losses, sameLoss, dispatchesByProgram: byProgram, topKernels,
    };
  } finally {
    feed?.dispose();
    step.dispose();
  }
}

/** Whether the backend records GPU timestamps (tfjs requests 'timestamp-query' when the adapter has it). */
function hasTimestamps(): boolean {
  return Boolean((tf.backend() as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery);
}

/** One (depth, batch): pipelines and first losses of each kernel set, the same-loss check, then the timings. */
async function benchConfiguration(depth: number, batch: number, opts: BenchOptions, log: (line: string) => void): Promise<TrainRow[]> {
  const prepared = new Map<KernelMode, Prepared>();
  for (const mode of opts.modes) {
    log(`ResNet-${depth}, batch ${batch}, ${mode} kernels: creating pipelines, ${SAME_LOSS_STEPS} seeded steps…`);
    const p = await prepareTraining(depth, batch, mode, opts);
    log(`  ${p.compile.pipelines} pipelines in ${p.compile.ms.toFixed(0)} ms; losses ${p.losses.map((l) => l.toFixed(5)).join(', ')}`);
    prepared.set(mode, p);
  }
  // Ours (op by op, and compiled: its steps 3–5 are replays) against stock, before any timing.
  const stock = prepared.get('stock');
  const sameLoss = new Map<KernelMode, SameLossResult>();
  for (const mode of opts.modes) {
    const ours = prepared.get(mode);
    if (mode === 'stock' || !ours || !stock) continue;
    const result = checkSameLoss(ours.losses, stock.losses, `ResNet-${depth} batch ${batch}${opts.fp16 ? ' FP16' : ''} ${mode}`, sameLossTolerance(opts.fp16));
    sameLoss.set(mode, result);
    log(`  ${mode} and stock losses agree over ${SAME_LOSS_STEPS} steps (max |Δ| ${result.maxAbsDiff.toExponential(2)})`);
  }
  const rows: TrainRow[] = [];
  for (const mode of opts.modes) {
    log(`ResNet-${depth}, batch ${batch}, ${mode} kernels: timing…`);
    const row = await timeTraining(depth, batch, mode, opts, prepared.get(mode) as Prepared, sameLoss.get(mode) ?? null);
    log(`  ${row.msPerStep.toFixed(1)} ms/step, ${row.imagesPerSecond.toFixed(1)} img/s, host ${row.hostMsPerStep.toFixed(1)} ms/step, ${row.dispatchesPerStep} dispatches/step`);
    rows.push(row);
  }
  return rows;
}

/** Runs the whole bench. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const report: BenchReport = {
    backend: tf.getBackend(),
    timestamps: hasTimestamps(),
    options: { ...options, log: undefined, data: undefined } as Omit<BenchOptions, 'log' | 'data'>,
    input: options.data ? `${options.data.name}, batches built on the ${options.data.placement}` : 'resident random tensor',
    training: [],
    micro: [],
  };
  setAdapterClass(options.plan);
  try {
    await benchAll(options, report, log);
  } finally {
    setAdapterClass('auto');
  }
  return report;
}

async function benchAll(options: BenchOptions, report: BenchReport, log: (line: string) => void): Promise<void> {
  if (options.microBatch > 0) {
    log(`kernel micro-benchmarks (${options.modes.join(' and ')} kernels, ${MICRO_ROUNDS} alternating rounds)…`);
    report.micro.push(...(await benchMicro(options, Math.max(1, options.steps))));
  }
  for (const depth of options.train ? options.depths : []) {
    for (const batch of options.batches) report.training.push(...(await benchConfiguration(depth, batch, options, log)));
  }
}
