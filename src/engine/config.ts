/**
 * The one experiment config: model, data, optimiser, schedule, run and tricks, nested by
 * concern; every field's default, unit, range and label is in configFields.ts. Browser, worker, Node runner, JSON
 * export and URL all carry this shape. Unknown keys are an error (as in nanoGPT), and every
 * validation message names the offending field by its dotted path.
 *
 * Baseline recipe: He et al. 2016 (CIFAR ResNet) with the SGD settings of He et al. 2019,
 * "Bag of Tricks for Image Classification with Convolutional Neural Networks", section 2.
 */
import { tableDefaults } from './configFields';
import type { KernelSet } from './kernels/registry';

/** Bump when the shape changes; older configs are rejected with a message, never guessed. */
export const CONFIG_SCHEMA_VERSION = 2;

export type ModelFamily = 'cifar-resnet' | 'resnet18' | 'resnet50';
export type Activation = 'relu' | 'swish' | 'gelu';
export type ShortcutKind = 'zero-pad' | 'projection';
export type BackendName = 'webgpu' | 'webgl' | 'cpu';
/** The embedded synthetic set, CIFAR-10 (10 classes) or CIFAR-100 (100 fine classes). */
export type DatasetId = 'synthetic' | 'cifar10' | 'cifar100';

export interface ModelConfig {
  /** 'cifar-resnet': He et al. 2016 basic blocks, depth 6n+2; resnet18/50: ImageNet-style, adapted to small images. */
  family: ModelFamily;
  /** Layers, 6n+2 for cifar-resnet (20, 32, 44, 56, 110); ignored by resnet18/50. */
  depth: number;
  /** Multiplies every stage width (16/32/64 for cifar-resnet). */
  widthMultiplier: number;
  activation: Activation;
  /** Squeeze-and-excitation module (reduction 16) in every block. */
  se: boolean;
  /** Residual (skip) connections; false gives the plain network of the same depth. */
  skipConnections: boolean;
  /** ResNet-B: stride 2 on the bottleneck's 3×3 conv instead of its first 1×1 (resnet50). */
  resnetB: boolean;
  /** ResNet-C: three 3×3 convs in the stem (resnet18/50). */
  resnetC: boolean;
  /** ResNet-D: 2×2 average pool before the 1×1 conv of downsampling (projection) shortcuts. */
  resnetD: boolean;
  /**
   * The CIFAR ResNet's downsampling shortcuts (He et al. 2016): option A 'zero-pad' (subsample,
   * zero-pad channels, no parameters) or option B 'projection' (1×1 conv + BN). ResNet-18/50
   * always project.
   */
  shortcut: ShortcutKind;
}

export interface AugmentConfig {
  /** Random crop after zero-padding by `padding` pixels on each side. */
  crop: boolean;
  /** Pixels of zero padding for the random crop. */
  padding: number;
  /** Random horizontal flip with probability 0.5. */
  flip: boolean;
}

export interface DataConfig {
  dataset: DatasetId;
  /**
   * Use only the first N training images in the dataset's own order (after the seeded hold-out of
   * validation images, when the dataset has no test split); null = all.
   */
  trainLimit: number | null;
  /** Use only the first N validation images; null = all. */
  valLimit: number | null;
  /** Fraction of the training set held out for validation when the dataset has no test split. */
  valFraction: number;
  /** Network input side in pixels: images are resized from 32 (16 for tiny tests, 48/64 for the resolution lever). */
  resolution: number;
  augment: AugmentConfig;
}

export interface OptimConfig {
  /** Base learning rate (per batch, before any trick rescales it). */
  lr: number;
  /** Momentum coefficient. */
  momentum: number;
  nesterov: boolean;
  /** L2 weight decay coefficient (added to the gradient, as PyTorch's SGD). */
  weightDecay: number;
  /** Images per step. */
  batchSize: number;
}

export interface ScheduleConfig {
  /** 'step': multiply by gamma at each milestone; 'constant': no decay. Cosine is a trick. */
  kind: 'step' | 'constant';
  /** Milestones as fractions of the total epochs (0.5 and 0.75 = epochs 80 and 120 of 160). */
  milestones: number[];
  /** Factor applied at each milestone. */
  gamma: number;
}

export interface RunConfig {
  epochs: number;
  /** One seed drives initialisation, shuffling, augmentation and every trick's randomness. */
  seed: number;
  /** Progress event every N steps (the only time the loss is read back from the GPU). */
  logEvery: number;
  backend: 'auto' | BackendName;
  /** 'compiled': our WGSL kernels, each step replayed from a capture; 'custom': ours op by op; 'stock': tfjs's own. */
  kernels: KernelSet;
}

/** One trick's switch and parameter values (parameters are declared by the trick module). */
export interface TrickSetting {
  enabled: boolean;
  params: Record<string, number>;
}

export interface ExperimentConfig {
  schemaVersion: number;
  /** Free label shown in the UI and the export. */
  name: string;
  model: ModelConfig;
  data: DataConfig;
  optim: OptimConfig;
  schedule: ScheduleConfig;
  run: RunConfig;
  /** Keyed by trick id; absent means off. */
  tricks: Record<string, TrickSetting>;
}

/**
 * Defaults: ResNet-20 on the embedded synthetic set, SGD 0.1 Nesterov, step decay; each one is
 * declared with its range, unit and label in configFields.ts.
 */
export const DEFAULT_CONFIG: ExperimentConfig = { schemaVersion: CONFIG_SCHEMA_VERSION, ...tableDefaults(), tricks: {} };

/** A deep copy of the defaults with `patch` merged in (nested objects merge, arrays replace). */
export function makeConfig(patch: DeepPartial<ExperimentConfig> = {}): ExperimentConfig {
  return mergeDeep(structuredClone(DEFAULT_CONFIG), patch) as ExperimentConfig;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeDeep(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(target) || !isPlainObject(patch)) return structuredClone(patch);
  for (const key of Object.keys(patch)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const value = patch[key];
    if (value === undefined) continue;
    target[key] = isPlainObject(target[key]) && isPlainObject(value) ? mergeDeep(target[key], value) : structuredClone(value);
  }
  return target;
}
