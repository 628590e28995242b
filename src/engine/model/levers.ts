/**
 * Architecture levers: the model choices an experiment can turn, declared as a registry the UI
 * (src/ui/LeversPanel.tsx) and the tests are generated from, as the tricks are. Each sets one
 * config field to one of a few allowed values and says when it does not apply to the chosen
 * network. Depth, width and input resolution are the three axes of scaling a network (Tan & Le
 * 2019, EfficientNet §3); ResNet-B, -C and -D are the model tweaks of He et al. 2019 (§4.1,
 * "Bag of Tricks for Image Classification with Convolutional Neural Networks"), which act on
 * the ImageNet-style ResNet-18/50 (imagenetResnet.ts) and, for -D, on the CIFAR ResNet with
 * option B shortcuts (the shortcut lever: option A or B of He et al. 2016).
 */
import type { ExperimentConfig } from '../config';
import { CONFIG_FIELDS, getAt, setAt } from '../configFields';

/** The config fields a lever may set (dotted paths into ExperimentConfig). */
export type LeverField =
  | 'model.family'
  | 'model.depth'
  | 'model.widthMultiplier'
  | 'data.resolution'
  | 'model.activation'
  | 'model.se'
  | 'model.skipConnections'
  | 'model.resnetB'
  | 'model.resnetC'
  | 'model.resnetD'
  | 'model.shortcut';

export type LeverValue = number | string | boolean;

/** One allowed value and how the UI names it. */
export interface LeverOption {
  value: LeverValue;
  label: string;
}

/** One architecture lever. */
export interface Lever {
  id: string;
  /** The control's accessible name. */
  name: string;
  /** One line: what it changes and why it might help. */
  explanation: string;
  /** Citation: paper and section. */
  reference: string;
  /** The config field it sets. */
  field: LeverField;
  /** Allowed values, in display order. */
  options: LeverOption[];
  /** Why it does not apply to this config (the control is disabled and says so), or null. */
  notApplicable(config: ExperimentConfig): string | null;
}

const always = (): null => null;
/** Values of a number field, named as the field table names them ('ResNet-20', '×2', '32×32'). */
const labelled = (field: 'model.depth' | 'model.widthMultiplier' | 'data.resolution', values: number[]): LeverOption[] =>
  values.map((value) => ({ value, label: CONFIG_FIELDS[field].optionLabel?.(value) ?? String(value) }));
const onOff: LeverOption[] = [
  { value: false, label: 'off' },
  { value: true, label: 'on' },
];
const isCifar = (config: ExperimentConfig): boolean => config.model.family === 'cifar-resnet';

export const LEVERS: readonly Lever[] = [
  {
    id: 'family',
    name: 'Network',
    explanation: 'The CIFAR ResNet (basic blocks, 16/32/64 channels, depth 6n+2) or an ImageNet-style ResNet-18/50 adapted to small images (64–512 channels).',
    reference: 'He et al. 2016, §4.1–4.2',
    field: 'model.family',
    options: [...CONFIG_FIELDS['model.family'].choices],
    notApplicable: always,
  },
  {
    id: 'depth',
    name: 'Depth',
    explanation: 'Layers of the CIFAR ResNet (6n + 2): deeper networks fit more but take longer per step.',
    reference: 'He et al. 2016, §4.2',
    field: 'model.depth',
    options: labelled('model.depth', [20, 32, 44, 56, 110]),
    notApplicable: (c) => (isCifar(c) ? null : 'ResNet-18 and ResNet-50 have a fixed depth'),
  },
  {
    id: 'width',
    name: 'Width multiplier',
    explanation: 'Multiplies the channels of every layer: wider networks learn more per layer at a quadratic cost in compute.',
    reference: 'Zagoruyko & Komodakis 2016; Tan & Le 2019, §3',
    field: 'model.widthMultiplier',
    options: labelled('model.widthMultiplier', [0.25, 0.5, 1, 2, 4]),
    notApplicable: always,
  },
  {
    id: 'resolution',
    name: 'Input resolution',
    explanation: 'Upsamples the 32×32 images before the network: more pixels per feature map, more compute, no new information.',
    reference: 'Tan & Le 2019, §3',
    field: 'data.resolution',
    options: labelled('data.resolution', [32, 48, 64]),
    notApplicable: always,
  },
  {
    id: 'activation',
    name: 'Activation',
    explanation: 'The nonlinearity after each BatchNorm: ReLU, Swish (x·σ(x)) or GELU, the smooth ones passing small negative values.',
    reference: 'Ramachandran et al. 2017; Hendrycks & Gimpel 2016',
    field: 'model.activation',
    options: [...CONFIG_FIELDS['model.activation'].choices],
    notApplicable: always,
  },
  {
    id: 'se',
    name: 'Squeeze-and-excitation',
    explanation: 'Adds to every block a small gate (reduction 16) that rescales each channel from the block\'s global average.',
    reference: 'Hu et al. 2018',
    field: 'model.se',
    options: onOff,
    notApplicable: always,
  },
  {
    id: 'skipConnections',
    name: 'Skip connections',
    explanation: 'Residual shortcuts around each block; off gives the plain network of the same depth, which is harder to train.',
    reference: 'He et al. 2016, §4.2',
    field: 'model.skipConnections',
    options: [
      { value: true, label: 'on' },
      { value: false, label: 'off' },
    ],
    notApplicable: always,
  },
  {
    id: 'shortcut',
    name: 'Shortcuts',
    explanation: 'Where a CIFAR ResNet block downsamples, the shortcut either subsamples and zero-pads the new channels (option A, no parameters) or projects with a stride-2 1×1 conv and BatchNorm (option B).',
    reference: 'He et al. 2016, §3.3 and §4.2',
    field: 'model.shortcut',
    options: [
      { value: 'zero-pad', label: 'option A (zero-pad)' },
      { value: 'projection', label: 'option B (1×1 conv + BN)' },
    ],
    notApplicable: (c) => (!isCifar(c) ? 'ResNet-18 and ResNet-50 always use projection shortcuts' : c.model.skipConnections ? null : 'turn skip connections on'),
  },
  {
    id: 'resnetB',
    name: 'ResNet-B',
    explanation: 'Moves a downsampling bottleneck\'s stride 2 from its first 1×1 conv, which skips three quarters of the input, to its 3×3 conv.',
    reference: 'He et al. 2019, §4.1',
    field: 'model.resnetB',
    options: onOff,
    notApplicable: (c) => (c.model.family === 'resnet50' ? null : 'ResNet-B needs bottleneck blocks: choose ResNet-50'),
  },
  {
    id: 'resnetC',
    name: 'ResNet-C',
    explanation: 'Replaces the stem\'s single convolution by three 3×3 convolutions (32, 32, 64 channels).',
    reference: 'He et al. 2019, §4.1',
    field: 'model.resnetC',
    options: onOff,
    notApplicable: (c) => (isCifar(c) ? 'ResNet-C needs an ImageNet-style stem: choose ResNet-18 or ResNet-50' : null),
  },
  {
    id: 'resnetD',
    name: 'ResNet-D',
    explanation: 'Projection shortcuts average-pool 2×2, then apply a stride-1 1×1 conv, instead of a stride-2 1×1 conv that ignores three quarters of the pixels; on the CIFAR ResNet it needs option B shortcuts, its reference.',
    reference: 'He et al. 2019, §4.1',
    field: 'model.resnetD',
    options: onOff,
    notApplicable: (c) => {
      if (!c.model.skipConnections) return 'ResNet-D changes the shortcuts: turn skip connections on';
      return isCifar(c) && c.model.shortcut !== 'projection' ? 'ResNet-D modifies a projection shortcut: choose option B shortcuts first' : null;
    },
  },
];

/** Looks a lever up by id. */
export function getLever(id: string): Lever | undefined {
  return LEVERS.find((l) => l.id === id);
}

/** The current value of a lever's field in `config`. */
export function leverValue(config: ExperimentConfig, lever: Lever): LeverValue {
  return getAt(config, lever.field);
}

/** A copy of `config` with the lever's field set to `value` (which must be one of its options). */
export function withLever(config: ExperimentConfig, lever: Lever, value: LeverValue): ExperimentConfig {
  if (!lever.options.some((o) => o.value === value)) {
    throw new Error(`${lever.field}: ${JSON.stringify(value)} is not one of ${lever.options.map((o) => JSON.stringify(o.value)).join(', ')}`);
  }
  return setAt(config, lever.field, value as never);
}
