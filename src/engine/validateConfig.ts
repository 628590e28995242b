/**
 * Validation of an experiment config from any source (form, URL, file, Node CLI). Every
 * message names the field by its dotted path, so the user knows what to fix; unknown keys are
 * rejected rather than ignored. Tricks are checked against the registry's declared parameters.
 */
import { CONFIG_SCHEMA_VERSION, DEFAULT_CONFIG, type ExperimentConfig } from './config';
import { TRICKS } from './tricks/registry';

/** Thrown for a config that cannot be trained; `field` is the dotted path of the first problem. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

interface Context {
  /** Training images available, when known: the batch may not exceed it. */
  trainSize?: number;
}

type Rule = (value: unknown, path: string) => string | null;

const num = (min: number, max: number, integer = false): Rule => (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a finite number';
  if (integer && !Number.isInteger(v)) return 'must be a whole number';
  if (v < min || v > max) return `must be between ${min} and ${max} (got ${v})`;
  return null;
};
const bool: Rule = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const oneOf = (...allowed: string[]): Rule => (v) =>
  typeof v === 'string' && allowed.includes(v) ? null : `must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`;
const nullableInt = (min: number): Rule => (v) => (v === null ? null : num(min, 1e9, true)(v, ''));
const str = (maxLength: number): Rule => (v) =>
  typeof v === 'string' && v.length <= maxLength ? null : `must be a string of at most ${maxLength} characters`;
const fractions: Rule = (v) =>
  Array.isArray(v) && v.length <= 10 && v.every((m) => typeof m === 'number' && m > 0 && m < 1)
    ? null
    : 'must be a list of at most 10 fractions of the run between 0 and 1';

/** The rule for every leaf of the config, by dotted path (tricks are handled separately). */
const RULES: Record<string, Rule> = {
  schemaVersion: (v) =>
    v === CONFIG_SCHEMA_VERSION ? null : `must be ${CONFIG_SCHEMA_VERSION} (got ${JSON.stringify(v)}); this app reads config schema ${CONFIG_SCHEMA_VERSION}`,
  name: str(200),
  'model.family': oneOf('cifar-resnet', 'resnet18', 'resnet50'),
  'model.depth': num(8, 1202, true),
  'model.widthMultiplier': num(0.0625, 8),
  'model.activation': oneOf('relu', 'swish', 'gelu'),
  'model.se': bool,
  'model.skipConnections': bool,
  'model.resnetB': bool,
  'model.resnetC': bool,
  'model.resnetD': bool,
  'data.dataset': oneOf('synthetic', 'cifar10', 'cifar100'),
  'data.trainLimit': nullableInt(1),
  'data.valLimit': nullableInt(1),
  'data.valFraction': num(0.01, 0.5),
  'data.resolution': num(8, 64, true),
  'data.augment.crop': bool,
  'data.augment.padding': num(0, 16, true),
  'data.augment.flip': bool,
  'optim.lr': (v) => (typeof v === 'number' && v <= 0 ? `must be positive (got ${v})` : num(1e-8, 1e6)(v, '')),
  'optim.momentum': num(0, 0.999),
  'optim.nesterov': bool,
  'optim.weightDecay': num(0, 0.1),
  'optim.batchSize': num(1, 8192, true),
  'schedule.kind': oneOf('step', 'constant'),
  'schedule.milestones': fractions,
  'schedule.gamma': num(0, 1),
  'run.epochs': num(1, 1000, true),
  'run.seed': num(0, 2 ** 32 - 1, true),
  'run.logEvery': num(1, 10000, true),
  'run.backend': oneOf('auto', 'webgpu', 'webgl', 'cpu'),
  'run.kernels': oneOf('custom', 'stock'),
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function checkShape(value: unknown, shape: unknown, path: string): void {
  if (!isPlainObject(shape)) {
    const rule = RULES[path];
    const problem = rule ? rule(value, path) : null;
    if (problem) throw new ConfigError(path, problem);
    return;
  }
  if (!isPlainObject(value)) throw new ConfigError(path || '(config)', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(shape, key)) throw new ConfigError(path ? `${path}.${key}` : key, 'unknown key');
  }
  for (const key of Object.keys(shape)) {
    const sub = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(value, key)) throw new ConfigError(sub, 'is missing');
    if (sub === 'tricks') continue;
    checkShape(value[key], (shape as Record<string, unknown>)[key], sub);
  }
}

function checkTricks(tricks: unknown): void {
  if (!isPlainObject(tricks)) throw new ConfigError('tricks', 'must be an object keyed by trick id');
  for (const [id, setting] of Object.entries(tricks)) {
    const trick = TRICKS.find((t) => t.id === id);
    if (!trick) throw new ConfigError(`tricks.${id}`, `unknown trick (known: ${TRICKS.map((t) => t.id).join(', ')})`);
    if (!isPlainObject(setting)) throw new ConfigError(`tricks.${id}`, 'must be { enabled, params }');
    for (const key of Object.keys(setting)) {
      if (key !== 'enabled' && key !== 'params') throw new ConfigError(`tricks.${id}.${key}`, 'unknown key');
    }
    if (typeof setting.enabled !== 'boolean') throw new ConfigError(`tricks.${id}.enabled`, 'must be true or false');
    const params = setting.params ?? {};
    if (!isPlainObject(params)) throw new ConfigError(`tricks.${id}.params`, 'must be an object');
    for (const [key, value] of Object.entries(params)) {
      const spec = Object.hasOwn(params, key) ? trick.params.find((p) => p.key === key) : undefined;
      const field = `tricks.${id}.params.${key}`;
      if (!spec) throw new ConfigError(field, `unknown parameter (known: ${trick.params.map((p) => p.key).join(', ') || 'none'})`);
      const problem = num(spec.min, spec.max, spec.integer ?? false)(value, field);
      if (problem) throw new ConfigError(field, problem);
    }
  }
}

/**
 * Checks `value` is a complete, trainable config and returns it typed. Throws ConfigError naming
 * the first bad field. `ctx.trainSize`, when given, bounds the batch size.
 */
export function validateConfig(value: unknown, ctx: Context = {}): ExperimentConfig {
  checkShape(value, DEFAULT_CONFIG, '');
  const config = value as ExperimentConfig;
  checkTricks(config.tricks);
  const m = config.model;
  if (m.family === 'cifar-resnet' && (m.depth - 2) % 6 !== 0) {
    throw new ConfigError('model.depth', `must be 6n+2 for a CIFAR ResNet (20, 32, 44, 56, 110; got ${m.depth})`);
  }
  if (ctx.trainSize !== undefined && config.optim.batchSize > ctx.trainSize) {
    throw new ConfigError('optim.batchSize', `${config.optim.batchSize} is larger than the ${ctx.trainSize} training images`);
  }
  if (config.data.trainLimit !== null && config.optim.batchSize > config.data.trainLimit) {
    throw new ConfigError('optim.batchSize', `${config.optim.batchSize} is larger than data.trainLimit (${config.data.trainLimit})`);
  }
  return config;
}
