/**
 * How long a plan will take, said before anything starts. The rate comes from earlier runs on
 * this device (their effective images per second: training images over wall time, evaluation
 * and setup included) when there are any; a model of another size is scaled by its forward
 * multiply-adds (convolutions only, the bulk of a ResNet's work). Without any measurement the
 * stated default rate is used, and the estimate says so.
 */
import { DEFAULT_CONFIG, type ExperimentConfig, type ModelConfig } from '../config';
import type { RunResult } from '../results';
import type { BackendInfo } from '../events';
import type { PlannedRun } from './plan';

/** Assumed when nothing was measured: images/s for ResNet-20 at 32×32 (batch 128) on WebGPU. */
export const DEFAULT_IMAGES_PER_SECOND = 400;

/** One measured rate: what a finished run achieved on a backend. */
export interface ThroughputSample {
  backend: string;
  /** Forward multiply-adds per image of the run's model, millions. */
  macs: number;
  /** Training images per wall-clock second, evaluation and setup included. */
  imagesPerSecond: number;
}

export interface RunEstimate {
  key: string;
  seconds: number;
  imagesPerSecond: number;
}

export interface PlanEstimate {
  totalSeconds: number;
  runs: RunEstimate[];
  /** 'measured': the same model ran here before; 'scaled': another model did; 'default': nothing did. */
  basis: 'measured' | 'scaled' | 'default';
  /** One sentence for the user saying where the rate comes from. */
  note: string;
}

function cifarWidth(base: number, multiplier: number): number {
  return Math.max(1, Math.round(base * multiplier));
}

/** Approximate forward multiply-adds per image in millions (3×3 and 1×1 convolutions). */
export function forwardMacs(model: ModelConfig, resolution: number): number {
  const r2 = resolution * resolution;
  let macs = 0;
  if (model.family === 'cifar-resnet') {
    const n = Math.max(1, Math.round((model.depth - 2) / 6));
    const widths = [16, 32, 64].map((w) => cifarWidth(w, model.widthMultiplier));
    macs += 27 * widths[0] * r2;
    widths.forEach((c, stage) => (macs += 2 * n * 9 * c * c * (r2 / 4 ** stage)));
  } else {
    const widths = [64, 128, 256, 512].map((w) => cifarWidth(w, model.widthMultiplier));
    const blocks = model.family === 'resnet18' ? [2, 2, 2, 2] : [3, 4, 6, 3];
    // Basic block: two 3×3 convs (18c²); bottleneck: 1×1, 3×3, 1×1 to 4c (17c²).
    const perBlock = model.family === 'resnet18' ? 18 : 17;
    macs += 27 * widths[0] * r2;
    widths.forEach((c, stage) => (macs += blocks[stage] * perBlock * c * c * (r2 / 4 ** stage)));
  }
  return macs / 1e6;
}

/** The rate a finished run measured, or null for a run that did not finish. */
export function throughputSample(result: RunResult): ThroughputSample | null {
  if (result.status !== 'finished' || !(result.timings.wallSeconds > 0) || !(result.timings.imagesPerSecond > 0)) return null;
  return {
    backend: result.environment.backend.name,
    macs: forwardMacs(result.config.model, result.config.data.resolution),
    imagesPerSecond: result.timings.imagesPerSecond,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The rate for a config: same model measured → its median; else the nearest model scaled; else the default. */
export function rateFor(config: ExperimentConfig, samples: readonly ThroughputSample[]): { imagesPerSecond: number; basis: PlanEstimate['basis'] } {
  const macs = forwardMacs(config.model, config.data.resolution);
  const same = samples.filter((s) => Math.abs(s.macs - macs) <= 1e-9 * Math.max(1, macs));
  if (same.length > 0) return { imagesPerSecond: median(same.map((s) => s.imagesPerSecond)), basis: 'measured' };
  if (samples.length > 0) {
    const nearest = samples.reduce((best, s) => (Math.abs(Math.log(s.macs / macs)) < Math.abs(Math.log(best.macs / macs)) ? s : best));
    return { imagesPerSecond: (nearest.imagesPerSecond * nearest.macs) / macs, basis: 'scaled' };
  }
  // DEFAULT_CONFIG's model is that ResNet-20.
  const reference = forwardMacs(DEFAULT_CONFIG.model, 32);
  return { imagesPerSecond: (DEFAULT_IMAGES_PER_SECOND * reference) / macs, basis: 'default' };
}

/**
 * Estimates every run and the total. `trainImages(config)` is the number of training images a
 * run of that config sees per epoch. Samples of another backend than `backend` are ignored.
 */
export function estimatePlan(
  runs: readonly PlannedRun[],
  trainImages: (config: ExperimentConfig) => number,
  samples: readonly ThroughputSample[],
  backend?: string,
): PlanEstimate {
  const usable = backend ? samples.filter((s) => s.backend === backend) : [...samples];
  const bases = new Set<PlanEstimate['basis']>();
  const estimates = runs.map((run) => {
    const { imagesPerSecond, basis } = rateFor(run.config, usable);
    bases.add(basis);
    return { key: run.key, imagesPerSecond, seconds: (run.config.run.epochs * trainImages(run.config)) / imagesPerSecond };
  });
  const basis = bases.has('default') ? 'default' : bases.has('scaled') ? 'scaled' : 'measured';
  const note =
    basis === 'measured'
      ? `From ${usable.length} earlier run${usable.length === 1 ? '' : 's'} of the same model${usable.length === 1 ? '' : 's'} on this device.`
      : basis === 'scaled'
        ? `From ${usable.length} earlier run${usable.length === 1 ? '' : 's'} on this device, scaled by each model's multiply-adds.`
        : `Nothing measured on this device yet: assuming ${DEFAULT_IMAGES_PER_SECOND} images/s for ResNet-20 at 32×32, scaled by each model's multiply-adds.`;
  return { totalSeconds: estimates.reduce((s, e) => s + e.seconds, 0), runs: estimates, basis, note };
}

/**
 * Training images per epoch of a config on a dataset of `trainCount` training and `testCount`
 * test images (0 = no test split: a `valFraction` is held out), as prepareData counts them.
 */
export function trainImagesFor(config: ExperimentConfig, sizes: { trainCount: number; testCount: number }): number {
  const { trainCount, testCount } = sizes;
  const held = testCount > 0 ? 0 : Math.min(trainCount - 1, Math.max(1, Math.round(trainCount * config.data.valFraction)));
  const available = trainCount - held;
  return config.data.trainLimit === null ? available : Math.min(available, config.data.trainLimit);
}

/**
 * A training backend without a GPU: the CPU, or a software WebGPU adapter — one that says so
 * (isFallbackAdapter) or, where the browser does not say, one named like SwiftShader or llvmpipe.
 */
export function isSoftwareBackend(backend: { name: string; adapter: BackendInfo['adapter'] } | null): boolean {
  if (!backend) return false;
  if (backend.name === 'cpu') return true;
  const a = backend.adapter;
  if (a === null) return false;
  return a.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|basic render/i.test(`${a.vendor} ${a.architecture} ${a.description}`);
}

/** How long one run should take on this device, said before Start. */
export interface SingleRunEstimate {
  seconds: number;
  basis: PlanEstimate['basis'];
  /** Where the rate comes from, for the user. */
  note: string;
}

/**
 * The time for one run of `config` on a dataset of these sizes, from this device's earlier
 * runs on `backend` when there are any (the lab planner's rule), else the stated default rate.
 */
export function estimateSingleRun(
  config: ExperimentConfig,
  sizes: { trainCount: number; testCount: number },
  samples: readonly ThroughputSample[],
  backend: string,
): SingleRunEstimate {
  const usable = samples.filter((s) => s.backend === backend);
  const { imagesPerSecond, basis } = rateFor(config, usable);
  const seconds = (config.run.epochs * trainImagesFor(config, sizes)) / imagesPerSecond;
  const rate = `${imagesPerSecond >= 100 ? imagesPerSecond.toFixed(0) : imagesPerSecond.toPrecision(2)} images/s`;
  const note =
    basis === 'measured'
      ? `at ${rate}, measured by ${usable.length === 1 ? 'an earlier run' : `${usable.length} earlier runs`} on this device`
      : basis === 'scaled'
        ? `at ${rate}, from earlier runs on this device scaled by the model's multiply-adds`
        : `at an assumed ${rate} (${DEFAULT_IMAGES_PER_SECOND} for ResNet-20 at 32×32 on a GPU); nothing measured on this device yet`;
  return { seconds, basis, note };
}
