/**
 * The declared interface of a training trick (He et al. 2019, "Bag of Tricks for Image
 * Classification with Convolutional Neural Networks"; CutMix: Yun et al. 2019). One trick is
 * one module exporting a `Trick`; the registry lists them and both the UI toggles and the
 * contract tests are generated from it. A trick acts only through the hooks of the phases it
 * declares; which tricks are on, with what parameters, in what order, is resolved once
 * (resolve.ts) for the step, the schedule and the trainer.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import type { KernelSet } from '../kernels/registry';
import type { Rng } from '../rng';

/** The named phases of a training step a trick can act on. */
export type TrickPhase =
  | 'schedule' // the learning rate as a function of the step
  | 'initialisation' // parameter values before the first step
  | 'parameter groups' // which parameters get weight decay
  | 'numerics' // precision of weights, activations and gradients
  | 'batch and targets' // inputs and (soft) labels of a batch
  | 'loss'; // the objective

/** A numeric parameter of a trick, with its default and allowed range. */
export interface TrickParam {
  key: string;
  label: string;
  default: number;
  min: number;
  max: number;
  step?: number;
  integer?: boolean;
  /** Unit or meaning, shown beside the input. */
  unit?: string;
}

/** A published setting of a trick's parameters, shown with the recipe it comes from. */
export interface TrickRecipe {
  /** Short, e.g. '0.1 per 256'. */
  label: string;
  /** Paper and setting, e.g. 'He et al. 2019 (ImageNet, ResNet-50)'. */
  source: string;
  params: Params;
}

/** The learning rate at a global step (0-based), a pure function. */
export type LrSchedule = (step: number) => number;

/** What the schedule phase knows about the run. */
export interface ScheduleContext {
  config: ExperimentConfig;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Steps at the start given to warmup (0 without): where a decay schedule's t = 0 lies. */
  warmupSteps: number;
}

/** A trainable or state tensor of the model, with what it is. */
export interface ParamInfo {
  name: string;
  kind: 'conv' | 'dense-weight' | 'bias' | 'bn-gamma' | 'bn-beta';
  /** True for the last BatchNorm γ of a residual block (zero-γ's target). */
  lastBnInBlock?: boolean;
  variable: tf.Variable;
}

/** A batch on its way to the loss: NHWC inputs and soft targets (rows sum to 1). */
export interface Batch {
  x: tf.Tensor4D;
  targets: tf.Tensor2D;
}

/** What the loss phase sees. `base` is the soft-target cross-entropy already computed. */
export interface LossInput {
  logits: tf.Tensor2D;
  targets: tf.Tensor2D;
  x: tf.Tensor4D;
  base: tf.Scalar;
}

export type Params = Record<string, number>;

/** Per-run services a trick may need (teacher model for distillation, etc.). */
export interface TrickRuntime {
  config: ExperimentConfig;
  numClasses: number;
  /**
   * This trick's own random stream (`rng.fork(trick.id)` of the run's trick generator), so its
   * draws do not depend on which other tricks are on.
   */
  rng: Rng;
  /** Logits of the distillation teacher in inference mode, when one is loaded. */
  teacher?: (x: tf.Tensor4D) => tf.Tensor2D;
}

/**
 * Numerics (low precision) seen by the loop: rounding and dynamic loss scaling, kept on the GPU
 * so that no value is read back per step.
 */
export interface Numerics {
  /**
   * Rounds a tensor to the emulated precision (weights before use, activations). Differentiable
   * straight-through; the gradient flowing back through it is rounded too, so the weight
   * gradients the step receives are already at that precision (and still loss-scaled).
   */
  round(x: tf.Tensor): tf.Tensor;
  /**
   * The weights for one pass at the emulated precision, all at once, differentiable as `round`
   * (by variable); null where this kernel set has no faster way than rounding each where it is
   * used. Same numbers as `round` on each weight used once.
   */
  roundWeights?(weights: readonly tf.Variable[], kernels: KernelSet): ReadonlyMap<tf.Tensor, tf.Tensor> | null;
  /**
   * A residual tail ReLU(round(y) + shortcut), rounded as `round` would round each step, as one
   * differentiable op where this kernel set has one (else null); y is BatchNorm's unrounded output.
   */
  addRelu?(kernels: KernelSet): ((y: tf.Tensor4D, shortcut: tf.Tensor4D) => tf.Tensor4D) | null;
  /** The loss multiplier, a scalar variable on the device. */
  readonly scale: tf.Variable;
  /**
   * After gradients: `finite` (bool scalar) says whether all were finite. Updates the scale and
   * its counters, and adds 1 to the step's `skipped` count when they were not. With the 'custom'
   * kernel set on WebGPU this is one dispatch and every variable keeps its buffer (dataId).
   */
  update(finite: tf.Scalar, skipped: tf.Variable, kernels: KernelSet): void;
  /** Device state a checkpoint must keep so a resumed run continues exactly (scale, counters). */
  readonly state?: readonly tf.Variable[];
  dispose(): void;
}

/** Batch size and image side of a batch, known before its pixels are touched. */
export interface BatchShape {
  n: number;
  h: number;
  w: number;
}

/** A mixer's draws for one batch: whether it would mix when alone, and the mixing itself. */
export interface MixDraw {
  /** When it is the only mixer on: whether this batch is mixed (CutMix's probability). */
  apply: boolean;
  mix(batch: Batch): Batch;
}

/**
 * What a trick is, without its hooks: what the UI, the config validator and the lab's planner
 * read (catalog.ts). It holds no tensor code, so the page's main thread loads without tfjs.
 */
export interface TrickInfo {
  id: string;
  /** Name as in the paper (the toggle's accessible name). */
  name: string;
  /** One line: what it does and why. */
  explanation: string;
  /** Citation: paper and section. */
  reference: string;
  params: TrickParam[];
  /** Published parameter settings the UI offers (the first is the declared defaults). */
  recipes?: readonly TrickRecipe[];
  phases: TrickPhase[];
  /** The run needs a teacher model (TrainOptions.teacher); without one it fails with this message. */
  needsTeacher?: string;
  /** Why it does not apply to this config, or null when it does. */
  notApplicable?(config: ExperimentConfig): string | null;
}

/** One trick module: its catalog entry plus hooks. Hooks are optional; `phases` declares which ones it uses. */
export interface Trick extends TrickInfo {
  /** 'schedule': rescale the base LR (linear scaling). */
  baseLr?(lr: number, p: Params, ctx: ScheduleContext): number;
  /** 'schedule': replace or wrap the schedule (warmup, cosine). */
  schedule?(inner: LrSchedule, p: Params, ctx: ScheduleContext): LrSchedule;
  /** 'schedule': steps at the start that precede any decay (warmup's length). */
  warmupSteps?(p: Params, stepsPerEpoch: number): number;
  /** 'initialisation': change initial values (zero γ). */
  initialize?(params: ParamInfo[], p: Params): void;
  /** 'parameter groups': whether weight decay applies to a parameter. */
  decays?(param: ParamInfo, p: Params): boolean;
  /** 'numerics': a fresh per-run numerics policy (FP16). */
  numerics?(p: Params): Numerics;
  /** 'batch and targets': map the one-hot targets (label smoothing). Runs before `mix`. */
  targets?(targets: tf.Tensor2D, p: Params, rt: TrickRuntime): tf.Tensor2D;
  /**
   * 'batch and targets': this batch's random draws for mixing inputs and targets (mixup,
   * CutMix). Called on every batch, used or not, so the trick's stream advances the same way
   * whatever else is on; the step applies at most one mixer per batch (resolve.ts).
   */
  mix?(shape: BatchShape, p: Params, rt: TrickRuntime): MixDraw;
  /**
   * With another mixer on, the share of batches this one mixes (CutMix's switch probability,
   * as timm's `switch_prob`); the mixer without a share takes the rest.
   */
  switchShare?(p: Params): number;
  /** 'loss': the loss from the base loss (knowledge distillation). */
  loss?(input: LossInput, p: Params, rt: TrickRuntime): tf.Scalar;
}

/** A trick's parameter values: the config's values over the declared defaults. */
export function trickParams(trick: TrickInfo, config: ExperimentConfig): Params {
  const set = config.tricks[trick.id]?.params ?? {};
  const out: Params = {};
  for (const p of trick.params) out[p.key] = set[p.key] ?? p.default;
  return out;
}

/** The recipe whose parameters `params` are, or null for a setting of one's own. */
export function recipeOf(trick: TrickInfo, params: Params): TrickRecipe | null {
  return trick.recipes?.find((r) => Object.entries(r.params).every(([k, v]) => params[k] === v)) ?? null;
}

/** Whether a trick is switched on (and applicable) in a config. */
export function isEnabled(trick: TrickInfo, config: ExperimentConfig): boolean {
  return config.tricks[trick.id]?.enabled === true && !(trick.notApplicable?.(config) ?? null);
}
