/**
 * Named starting points a user can load and then change: each is a patch over DEFAULT_CONFIG
 * (config.ts) plus the accuracy it should reach on CIFAR-10 and where that number comes from.
 * "Paper baseline" is the CIFAR ResNet recipe of He et al. 2016 (§4.2); "Bag of tricks" adds
 * the refinements of He et al. 2019 to the same model and run; "Quick look" is a short schedule
 * for a first result in minutes. Numbers marked 'estimate' were not measured by this project.
 */
import { makeConfig, type DeepPartial, type ExperimentConfig, type RunConfig } from './config';

/** What a preset should reach, and on what authority. */
export interface PresetExpectation {
  /** Top-1 accuracy on the CIFAR-10 test set, in percent. */
  top1: number;
  /** 'reported': a number from the cited paper; 'estimate': our reasoned guess from the cited work. */
  kind: 'reported' | 'estimate';
  /** Where the number comes from, in one or two sentences. */
  source: string;
}

export interface Preset {
  id: 'paper-baseline' | 'bag-of-tricks' | 'quick-look';
  /** Shown in the picker. */
  name: string;
  /** One line: what the recipe is. */
  description: string;
  expected: PresetExpectation;
  /** Merged over DEFAULT_CONFIG by presetConfig. */
  patch: DeepPartial<ExperimentConfig>;
}

const on = { enabled: true, params: {} };

/** ResNet-20 of He et al. 2016 on CIFAR-10 (depth 6n+2 with n = 3, 16/32/64 channels). */
const RESNET20 = {
  family: 'cifar-resnet', depth: 20, widthMultiplier: 1, activation: 'relu', se: false,
  skipConnections: true, resnetB: false, resnetC: false, resnetD: false, shortcut: 'zero-pad',
} as const;

/** Standard CIFAR augmentation: 4-pixel zero padding, random 32×32 crop, random horizontal flip. */
const CROP_FLIP = { crop: true, padding: 4, flip: true };

/**
 * He et al. 2016, §4.2: SGD with momentum 0.9 (plain, not Nesterov), batch 128, weight decay
 * 1e-4, LR 0.1 divided by 10 at 32k and 48k of 64k iterations (≈ epochs 80 and 120 of 160 here,
 * the usual epoch form of that schedule), crop and flip.
 */
const paperBaseline: Preset = {
  id: 'paper-baseline',
  name: 'Paper baseline',
  description: 'ResNet-20, 160 epochs, batch 128, SGD momentum 0.9, LR 0.1 ÷10 at epochs 80 and 120, weight decay 1e-4, crop and flip.',
  expected: {
    top1: 91.25,
    kind: 'reported',
    source: 'He et al. 2016, "Deep Residual Learning for Image Recognition", Table 6: ResNet-20 has 8.75% test error on CIFAR-10.',
  },
  patch: {
    name: 'Paper baseline',
    model: RESNET20,
    data: { dataset: 'cifar10', trainLimit: null, valLimit: null, resolution: 32, augment: CROP_FLIP },
    optim: { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 1e-4, batchSize: 128 },
    schedule: { kind: 'step', milestones: [0.5, 0.75], gamma: 0.1 },
    run: { epochs: 160 },
    tricks: {},
  },
};

/** The same model and run with the refinements of He et al. 2019, §3.1 and §5. */
const bagOfTricks: Preset = {
  id: 'bag-of-tricks',
  name: 'Bag of tricks',
  description:
    'The paper baseline plus cosine decay, 5 epochs of warmup, label smoothing (ε 0.1), mixup (α 0.2), zero γ and no bias decay (He et al. 2019).',
  expected: {
    top1: 92,
    kind: 'estimate',
    source:
      'Estimate, not measured here: He et al. 2019 report these tricks on ImageNet (ResNet-50 from 75.3% to 79.3% top-1 with all refinements, ResNet-D and distillation included), not on CIFAR-10; mixup alone adds 1.1-1.4 points on CIFAR-10 for larger ResNets (Zhang et al. 2018), cosine decay and label smoothing a few tenths, so about +0.5 to +1 point over the 91.25% baseline.',
  },
  patch: {
    ...paperBaseline.patch,
    name: 'Bag of tricks',
    tricks: {
      warmup: { enabled: true, params: { epochs: 5 } },
      zeroGamma: on,
      noBiasDecay: on,
      cosine: on,
      labelSmoothing: { enabled: true, params: { epsilon: 0.1 } },
      mixup: { enabled: true, params: { alpha: 0.2 } },
    },
  },
};

/**
 * A short run: a one-epoch warmup and cosine decay to zero (the shape of the fast schedules of
 * Smith & Topin 2019 and Page 2018), Nesterov momentum, the usual 5e-4 weight decay of short
 * CIFAR recipes, and label smoothing; 15 epochs of ResNet-20 at batch 128 (5,850 steps).
 */
const quickLook: Preset = {
  id: 'quick-look',
  name: 'Quick look',
  description: 'ResNet-20 for 15 epochs: batch 128, Nesterov, LR 0.1 with 1 epoch of warmup and cosine decay, weight decay 5e-4, label smoothing, crop and flip.',
  expected: {
    top1: 89,
    kind: 'estimate',
    source:
      'Estimate, not measured here: ResNet-20 tops out near 91-92% after 160+ epochs (He et al. 2016); one-cycle/cosine schedules reach most of that in a tenth of the epochs (Smith & Topin 2019, "Super-Convergence"; Page 2018, "How to train your ResNet": 94% in 24 epochs with a wider ResNet-9), so about 89-90% in 15 epochs.',
  },
  patch: {
    name: 'Quick look',
    model: RESNET20,
    data: { dataset: 'cifar10', trainLimit: null, valLimit: null, resolution: 32, augment: CROP_FLIP },
    optim: { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4, batchSize: 128 },
    schedule: { kind: 'step', milestones: [0.5, 0.75], gamma: 0.1 },
    run: { epochs: 15 },
    tricks: {
      warmup: { enabled: true, params: { epochs: 1 } },
      cosine: on,
      noBiasDecay: on,
      labelSmoothing: { enabled: true, params: { epsilon: 0.1 } },
    },
  },
};

/** Every preset, in the order the picker lists them. */
export const PRESETS: readonly Preset[] = [paperBaseline, bagOfTricks, quickLook];

/** Looks a preset up by id. */
export function getPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/**
 * The full config of a preset. `keep` carries the user's machine settings across (backend,
 * kernels, seed, how often to log), which a recipe has no business changing.
 */
export function presetConfig(preset: Preset, keep?: Pick<RunConfig, 'backend' | 'kernels' | 'seed' | 'logEvery'>): ExperimentConfig {
  const config = makeConfig(preset.patch);
  if (keep) config.run = { ...config.run, backend: keep.backend, kernels: keep.kernels, seed: keep.seed, logEvery: keep.logEvery };
  return config;
}
