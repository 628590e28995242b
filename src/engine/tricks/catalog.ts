/**
 * What each trick is (id, name as in the paper, one-line explanation, citation, parameters with
 * defaults and ranges, recipes, phases, when it does not apply), without its hooks. The page's
 * main thread (forms, config validation, the lab's planner) reads only this, so it loads
 * without tfjs; the trick modules (one per trick, with the tensor code) spread their entry
 * here into the `Trick` the worker's training loop runs (registry.ts), and the contract test
 * checks the two lists agree. Order: He et al. 2019 (§3 efficient training, §5 refinements),
 * then CutMix (Yun et al. 2019); it is the order the loop applies them within a phase.
 */
import { trickParams, type TrickInfo, type TrickRecipe } from './types';

/** Smallest and largest FP16 loss scale: never below 1, never so large that fp32 losses overflow. */
export const FP16_MIN_SCALE = 1;
export const FP16_MAX_SCALE = 2 ** 24;

/** The two published linear-scaling settings (learning rate per reference batch of images). */
export const LINEAR_SCALING_RECIPES: readonly TrickRecipe[] = [
  { label: '0.1 per 256', source: 'He et al. 2019, §3.1, ImageNet ResNet-50', params: { lrPerReference: 0.1, referenceBatch: 256 } },
  { label: '0.1 per 128', source: 'He et al. 2016, §4.2, CIFAR ResNet at batch 128', params: { lrPerReference: 0.1, referenceBatch: 128 } },
];

/** The message of a run that has distillation on but no teacher. */
export const NO_TEACHER_MESSAGE =
  'Knowledge distillation needs a teacher: finish a run on this dataset first (the last finished run becomes the teacher), pick a teacher run in the lab, or turn distillation off';

export const linearScalingInfo: TrickInfo = {
  id: 'linearScaling',
  name: 'Linear scaling learning rate',
  explanation:
    'Sets the initial learning rate in proportion to the batch size: 0.1 × batch / 256 (He et al. 2019) or 0.1 × batch / 128 (the CIFAR recipe), so larger batches take larger steps; at the reference batch it changes nothing.',
  reference: 'He et al. 2019, §3.1; Goyal et al. 2017',
  params: [
    { key: 'lrPerReference', label: 'LR per reference batch', default: 0.1, min: 1e-4, max: 10, step: 0.01, unit: 'learning rate' },
    { key: 'referenceBatch', label: 'Reference batch', default: 256, min: 1, max: 8192, integer: true, unit: 'images' },
  ],
  recipes: LINEAR_SCALING_RECIPES,
  phases: ['schedule'],
};

export const warmupInfo: TrickInfo = {
  id: 'warmup',
  name: 'Learning rate warmup',
  explanation: 'Raises the learning rate linearly from near zero to its initial value over the first epochs, avoiding unstable early steps.',
  reference: 'He et al. 2019, §3.1; Goyal et al. 2017',
  params: [{ key: 'epochs', label: 'Warmup length', default: 5, min: 0.25, max: 50, step: 0.25, unit: 'epochs' }],
  phases: ['schedule'],
  notApplicable: (config) => {
    const epochs = trickParams(warmupInfo, config).epochs;
    return epochs >= config.run.epochs ? `warmup (${epochs} epochs) must be shorter than the run (${config.run.epochs} epochs)` : null;
  },
};

export const zeroGammaInfo: TrickInfo = {
  id: 'zeroGamma',
  name: 'Zero γ',
  explanation: 'Initialises γ = 0 in the last BatchNorm of each residual block, so every block starts as the identity and the network trains as a shallower one at first.',
  reference: 'He et al. 2019, §3.1; Goyal et al. 2017',
  params: [],
  phases: ['initialisation'],
  notApplicable: (config) =>
    config.model.skipConnections ? null : 'needs residual connections: without them a zero γ would silence every block',
};

export const noBiasDecayInfo: TrickInfo = {
  id: 'noBiasDecay',
  name: 'No bias decay',
  explanation: 'Applies weight decay only to convolution and dense weights; biases and BatchNorm γ, β are not decayed.',
  reference: 'He et al. 2019, §3.1; Jia et al. 2018',
  params: [],
  phases: ['parameter groups'],
  notApplicable: (config) => (config.optim.weightDecay === 0 ? 'weight decay is 0 (optim.weightDecay), so there is nothing to remove' : null),
};

export const fp16Info: TrickInfo = {
  id: 'fp16',
  name: 'Low-precision training (FP16)',
  explanation:
    'Emulated: weights, every layer output (conv, BatchNorm, activation, residual add, pooling, SE gate) and gradients are rounded to IEEE half; master weights, BatchNorm statistics and the loss stay FP32, with dynamic loss scaling. Shows FP16\'s effect on accuracy; values stay in fp32 storage, so it is slower than fp32 here, not faster (the run\'s progress says so).',
  reference: 'He et al. 2019, §3.2; Micikevicius et al. 2018',
  params: [
    { key: 'initialScale', label: 'Initial loss scale', default: 2 ** 16, min: FP16_MIN_SCALE, max: FP16_MAX_SCALE, integer: true, unit: 'multiplier' },
    { key: 'growthInterval', label: 'Double the scale after', default: 2000, min: 1, max: 100_000, integer: true, unit: 'clean steps' },
  ],
  phases: ['numerics'],
};

export const cosineInfo: TrickInfo = {
  id: 'cosine',
  name: 'Cosine learning rate decay',
  explanation: 'Decays the learning rate along half a cosine from its initial value to zero over the run (after warmup), instead of dropping it in steps.',
  reference: 'He et al. 2019, §5.1; Loshchilov & Hutter 2017',
  params: [],
  phases: ['schedule'],
};

export const labelSmoothingInfo: TrickInfo = {
  id: 'labelSmoothing',
  name: 'Label smoothing',
  explanation: 'Trains towards 1 − ε on the true class and ε/(K − 1) on the others instead of a hard one-hot label, discouraging over-confident logits.',
  reference: 'He et al. 2019, §5.2; Szegedy et al. 2016',
  params: [{ key: 'epsilon', label: 'ε', default: 0.1, min: 0, max: 0.5, step: 0.01, unit: 'probability moved off the true class' }],
  phases: ['batch and targets'],
};

export const distillationInfo: TrickInfo = {
  id: 'distillation',
  name: 'Knowledge distillation',
  explanation: 'Adds a loss that pulls the softened predictions (temperature T) towards those of a trained teacher model on the same images.',
  reference: 'He et al. 2019, §5.3; Hinton et al. 2015',
  params: [{ key: 'temperature', label: 'Temperature T', default: 20, min: 1, max: 100, step: 1, unit: 'softmax temperature' }],
  phases: ['loss'],
  needsTeacher: NO_TEACHER_MESSAGE,
};

export const mixupInfo: TrickInfo = {
  id: 'mixup',
  name: 'Mixup training',
  explanation: 'Trains on blends of two images, λ·x_i + (1 − λ)·x_j, with the labels blended by the same λ ~ Beta(α, α).',
  reference: 'He et al. 2019, §5.4; Zhang et al. 2018',
  params: [{ key: 'alpha', label: 'α', default: 0.2, min: 0.01, max: 10, step: 0.05, unit: 'Beta(α, α) shape' }],
  phases: ['batch and targets'],
};

export const cutmixInfo: TrickInfo = {
  id: 'cutmix',
  name: 'CutMix',
  explanation: 'Pastes a random box from another image of the batch over each image and mixes the labels in proportion to the box\'s area; on a share of the batches (with mixup on: instead of mixup on a share of them).',
  reference: 'Yun et al. 2019, §3.1',
  params: [
    { key: 'alpha', label: 'α', default: 1, min: 0.01, max: 10, step: 0.05, unit: 'Beta(α, α) shape' },
    { key: 'prob', label: 'Probability', default: 0.5, min: 0, max: 1, step: 0.05, unit: 'share of batches cut' },
    { key: 'switchProb', label: 'Switch probability', default: 0.5, min: 0, max: 1, step: 0.05, unit: 'with mixup on: share of batches cut instead of mixed' },
  ],
  phases: ['batch and targets'],
};

/** Every trick, in the order the training loop applies them within a phase. */
export const TRICK_CATALOG: readonly TrickInfo[] = [
  linearScalingInfo,
  warmupInfo,
  zeroGammaInfo,
  noBiasDecayInfo,
  fp16Info,
  cosineInfo,
  labelSmoothingInfo,
  distillationInfo,
  mixupInfo,
  cutmixInfo,
];

/** Looks a trick's catalog entry up by id. */
export function getTrickInfo(id: string): TrickInfo | undefined {
  return TRICK_CATALOG.find((t) => t.id === id);
}
