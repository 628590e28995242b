/**
 * Every field of the base config, declared once: its default, unit, range, whether it is a whole
 * number, its label and help. DEFAULT_CONFIG, validateConfig's per-field checks, the single-run
 * form and the lab's baseline fields are all read from this table, as trick parameters are read
 * from each trick's `params` (the table is keyed by dotted path, so the compiler insists on one
 * entry per leaf of ExperimentConfig and a default of the leaf's type).
 *
 * Baseline recipe: He et al. 2016 (CIFAR ResNet) with the SGD settings of He et al. 2019,
 * "Bag of Tricks for Image Classification with Convolutional Neural Networks", section 2.
 */
import type { ExperimentConfig } from './config';

/** The config without its version and tricks (tricks declare their own parameters). */
export type BaseConfig = Omit<ExperimentConfig, 'schemaVersion' | 'tricks'>;

type Join<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;
/** Dotted paths of the leaves of T ('model.depth'); arrays are leaves. */
export type LeafPath<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends readonly unknown[] ? Join<P, K> : T[K] extends object ? LeafPath<T[K], Join<P, K>> : Join<P, K>;
}[keyof T & string];
/** The type at a dotted path. */
export type ValueAt<T, P extends string> = P extends `${infer H}.${infer R}` ? (H extends keyof T ? ValueAt<T[H], R> : never) : P extends keyof T ? T[P] : never;

export type ConfigPath = LeafPath<BaseConfig>;

interface Described {
  label: string;
  /** One line under the input: what the number means, or its unit. */
  help?: string;
}

/** A number in [min, max]; `options`, when given, are the values a select offers. */
export interface NumberFieldSpec extends Described {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  /** Zero and below get "must be positive" rather than the range (a learning rate). */
  positive?: boolean;
  /** Input step for a free number box. */
  step?: number;
  options?: readonly number[];
  /** How a select shows one of its values ('ResNet-20'). */
  optionLabel?: (value: number) => string;
}

/** A whole number ≥ min, or null for "no limit" (all images). */
export interface LimitFieldSpec extends Described {
  kind: 'limit';
  default: null;
  min: number;
  max: number;
}

export interface ChoiceFieldSpec<V extends string = string> extends Described {
  kind: 'choice';
  default: V;
  choices: readonly { value: V; label: string }[];
}

export interface BooleanFieldSpec extends Described {
  kind: 'boolean';
  default: boolean;
}

export interface TextFieldSpec extends Described {
  kind: 'text';
  default: string;
  maxLength: number;
}

/** Fractions of the run strictly between 0 and 1 (schedule milestones). */
export interface FractionsFieldSpec extends Described {
  kind: 'fractions';
  default: number[];
  maxCount: number;
}

/** The spec a leaf of type V takes. */
export type FieldSpecFor<V> = [V] extends [number[]]
  ? FractionsFieldSpec
  : [V] extends [number | null]
    ? null extends V
      ? LimitFieldSpec
      : NumberFieldSpec
    : [V] extends [boolean]
      ? BooleanFieldSpec
      : [V] extends [string]
        ? string extends V
          ? TextFieldSpec
          : ChoiceFieldSpec<V>
        : never;

export type FieldSpec = NumberFieldSpec | LimitFieldSpec | ChoiceFieldSpec | BooleanFieldSpec | TextFieldSpec | FractionsFieldSpec;

const choices = <V extends string>(...pairs: [V, string][]) => pairs.map(([value, label]) => ({ value, label }));
const IMAGE_LIMIT = 1e9;

/** The table, in the config's key order (DEFAULT_CONFIG and exports keep it). */
export const CONFIG_FIELDS: { [P in ConfigPath]: FieldSpecFor<ValueAt<BaseConfig, P>> } = {
  name: { kind: 'text', default: 'baseline', maxLength: 200, label: 'Name', help: 'free label shown in the UI and the export' },
  'model.family': {
    kind: 'choice',
    default: 'cifar-resnet',
    choices: choices(['cifar-resnet', 'CIFAR ResNet'], ['resnet18', 'ResNet-18'], ['resnet50', 'ResNet-50']),
    label: 'Architecture',
    help: 'He et al. 2016 basic blocks, or ImageNet-style ResNet-18/50 adapted to small images',
  },
  'model.depth': {
    kind: 'number', default: 20, min: 8, max: 1202, integer: true, label: 'Depth', help: 'layers, 6n+2 for a CIFAR ResNet',
    options: [8, 14, 20, 32, 44, 56, 110], optionLabel: (d) => `ResNet-${d}`,
  },
  'model.widthMultiplier': {
    kind: 'number', default: 1, min: 0.0625, max: 8, step: 0.25, label: 'Width multiplier', help: '× 16/32/64 channels',
    options: [0.25, 0.5, 1, 2], optionLabel: (w) => `×${w}`,
  },
  'model.activation': { kind: 'choice', default: 'relu', choices: choices(['relu', 'ReLU'], ['swish', 'Swish'], ['gelu', 'GELU']), label: 'Activation' },
  'model.se': { kind: 'boolean', default: false, label: 'Squeeze-and-excitation', help: 'reduction 16, in every block' },
  'model.skipConnections': { kind: 'boolean', default: true, label: 'Skip connections', help: 'off gives the plain network of the same depth' },
  'model.resnetB': { kind: 'boolean', default: false, label: 'ResNet-B', help: "stride 2 on the bottleneck's 3×3 conv (resnet50)" },
  'model.resnetC': { kind: 'boolean', default: false, label: 'ResNet-C', help: 'three 3×3 convs in the stem (resnet18/50)' },
  'model.resnetD': { kind: 'boolean', default: false, label: 'ResNet-D', help: '2×2 average pool before the 1×1 conv of projection shortcuts' },
  'model.shortcut': {
    kind: 'choice',
    default: 'zero-pad',
    choices: choices(['zero-pad', 'Option A: subsample + zero-pad'], ['projection', 'Option B: 1×1 conv + BN']),
    label: 'Shortcuts (CIFAR ResNet)',
    help: 'where a block downsamples; He et al. 2016 use option A on CIFAR',
  },
  'data.dataset': {
    kind: 'choice',
    default: 'synthetic',
    choices: choices(['synthetic', 'Synthetic'], ['cifar10', 'CIFAR-10'], ['cifar100', 'CIFAR-100']),
    label: 'Dataset',
  },
  'data.trainLimit': { kind: 'limit', default: null, min: 1, max: IMAGE_LIMIT, label: 'Training images (limit)', help: 'the first N in file order; empty = all' },
  'data.valLimit': { kind: 'limit', default: null, min: 1, max: IMAGE_LIMIT, label: 'Validation images (limit)', help: 'empty = all' },
  'data.valFraction': { kind: 'number', default: 0.1, min: 0.01, max: 0.5, label: 'Validation fraction', help: 'of the training set, when the dataset has no test split' },
  'data.resolution': {
    kind: 'number', default: 32, min: 8, max: 64, integer: true, label: 'Input resolution', help: 'pixels per side, resized from 32',
    options: [16, 32, 48, 64], optionLabel: (r) => `${r}×${r}`,
  },
  'data.augment.crop': { kind: 'boolean', default: true, label: 'Random crop', help: 'after zero padding' },
  'data.augment.padding': { kind: 'number', default: 4, min: 0, max: 16, integer: true, step: 1, label: 'Crop padding', help: 'pixels on each side' },
  'data.augment.flip': { kind: 'boolean', default: true, label: 'Random flip', help: 'horizontal, probability 0.5' },
  'optim.lr': { kind: 'number', default: 0.1, min: 1e-8, max: 1e6, positive: true, label: 'Learning rate', help: 'base LR per batch' },
  'optim.momentum': { kind: 'number', default: 0.9, min: 0, max: 0.999, label: 'Momentum' },
  'optim.nesterov': { kind: 'boolean', default: true, label: 'Nesterov momentum' },
  'optim.weightDecay': { kind: 'number', default: 1e-4, min: 0, max: 0.1, label: 'Weight decay', help: 'L2 coefficient added to the gradient (1e-4: He et al. 2016)' },
  'optim.batchSize': { kind: 'number', default: 128, min: 1, max: 8192, integer: true, step: 1, label: 'Batch size', help: 'images per step' },
  'schedule.kind': { kind: 'choice', default: 'step', choices: choices(['step', 'Step decay'], ['constant', 'Constant']), label: 'Schedule' },
  'schedule.milestones': { kind: 'fractions', default: [0.5, 0.75], maxCount: 10, label: 'Milestones', help: 'fractions of the run' },
  'schedule.gamma': { kind: 'number', default: 0.1, min: 0, max: 1, label: 'Decay factor', help: 'applied at each milestone' },
  'run.epochs': { kind: 'number', default: 30, min: 1, max: 1000, integer: true, step: 1, label: 'Epochs' },
  'run.seed': { kind: 'number', default: 1, min: 0, max: 2 ** 32 - 1, integer: true, step: 1, label: 'Seed', help: 'drives initialisation, shuffling, augmentation and every trick' },
  'run.logEvery': {
    kind: 'number', default: 10, min: 1, max: 10000, integer: true, step: 1, label: 'Log loss every', help: 'steps (one GPU read-back each)',
  },
  'run.backend': {
    kind: 'choice',
    default: 'auto',
    choices: choices(['auto', 'Best available'], ['webgpu', 'WebGPU'], ['webgl', 'WebGL'], ['cpu', 'CPU']),
    label: 'Backend',
  },
  'run.kernels': { kind: 'choice', default: 'compiled', choices: choices(['compiled', 'Trick Lab WGSL, compiled step'], ['custom', 'Trick Lab WGSL, op by op'], ['stock', 'tfjs stock']), label: 'GPU kernels', help: 'WebGPU only' },
};

/** The spec of one path, as the common union (for code that handles every kind). */
export function fieldSpec(path: ConfigPath): FieldSpec {
  return CONFIG_FIELDS[path] as FieldSpec;
}

export const CONFIG_PATHS = Object.keys(CONFIG_FIELDS) as ConfigPath[];

/** The value at a dotted path. */
export function getAt<P extends ConfigPath>(config: BaseConfig, path: P): ValueAt<BaseConfig, P> {
  let node: unknown = config;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as ValueAt<BaseConfig, P>;
}

/** A copy of `config` with the value at `path` replaced (the rest shared, not cloned). */
export function setAt<C extends BaseConfig, P extends ConfigPath>(config: C, path: P, value: ValueAt<BaseConfig, P>): C {
  const [head, ...rest] = path.split('.');
  const replace = (node: Record<string, unknown>, keys: string[], key: string): Record<string, unknown> =>
    keys.length === 0 ? { ...node, [key]: value } : { ...node, [key]: replace(node[key] as Record<string, unknown>, keys.slice(1), keys[0]) };
  return replace(config as unknown as Record<string, unknown>, rest, head) as unknown as C;
}

/** The defaults as a nested object, in the table's order. */
export function tableDefaults(): BaseConfig {
  const out: Record<string, unknown> = {};
  for (const path of CONFIG_PATHS) {
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    const value = fieldSpec(path).default;
    node[keys[keys.length - 1]] = Array.isArray(value) ? [...value] : value;
  }
  return out as unknown as BaseConfig;
}

/** Why `value` does not fit the field, or null when it does. Messages follow "<path>: <message>". */
export function checkField(spec: FieldSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'number':
      if (spec.positive && typeof value === 'number' && value <= 0) return `must be positive (got ${value})`;
      return checkNumber(value, spec.min, spec.max, spec.integer ?? false);
    case 'limit':
      return value === null ? null : checkNumber(value, spec.min, spec.max, true);
    case 'choice': {
      const allowed = spec.choices.map((c) => c.value);
      return typeof value === 'string' && allowed.includes(value) ? null : `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'text':
      return typeof value === 'string' && value.length <= spec.maxLength ? null : `must be a string of at most ${spec.maxLength} characters`;
    case 'fractions':
      return Array.isArray(value) && value.length <= spec.maxCount && value.every((m) => typeof m === 'number' && m > 0 && m < 1)
        ? null
        : `must be a list of at most ${spec.maxCount} fractions of the run between 0 and 1`;
  }
}

/** The range check shared with trick parameters. */
export function checkNumber(value: unknown, min: number, max: number, integer: boolean): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (integer && !Number.isInteger(value)) return 'must be a whole number';
  if (value < min || value > max) return `must be between ${min} and ${max} (got ${value})`;
  return null;
}
