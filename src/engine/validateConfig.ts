/**
 * Validation of an experiment config from any source (form, URL, file, Node CLI). Every
 * message names the field by its dotted path, so the user knows what to fix; unknown keys are
 * rejected rather than ignored. Each field's range comes from configFields.ts; tricks are checked
 * against the registry's declared parameters.
 */
import { CONFIG_SCHEMA_VERSION, DEFAULT_CONFIG, type ExperimentConfig } from './config';
import { checkField, checkNumber, CONFIG_FIELDS, fieldSpec, type ConfigPath } from './configFields';
import { TRICK_CATALOG } from './tricks/catalog';

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

function checkVersion(v: unknown): string | null {
  return v === CONFIG_SCHEMA_VERSION ? null : `must be ${CONFIG_SCHEMA_VERSION} (got ${JSON.stringify(v)}); this app reads config schema ${CONFIG_SCHEMA_VERSION}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Brings a version-1 config to version 2 in place (so every holder of the object sees the same
 * config). Version 2 added model.shortcut; a version-1 CIFAR ResNet had option A shortcuts, or,
 * with ResNet-D, a pooled 1×1 conv + BN projection, which is option B with ResNet-D: the same
 * network, so nothing is guessed.
 */
function upgradeV1(value: unknown): void {
  if (!isPlainObject(value) || value.schemaVersion !== 1 || !isPlainObject(value.model)) return;
  const m = value.model;
  m.shortcut = m.family === 'cifar-resnet' && m.resnetD === true ? 'projection' : 'zero-pad';
  value.schemaVersion = 2;
}

/** The architecture's own rules: each tweak only where it changes something. */
function checkArchitecture(m: ExperimentConfig['model']): void {
  if (m.family === 'cifar-resnet' && (m.depth - 2) % 6 !== 0) {
    throw new ConfigError('model.depth', `must be 6n+2 for a CIFAR ResNet (20, 32, 44, 56, 110; got ${m.depth})`);
  }
  if (m.resnetB && m.family !== 'resnet50') {
    throw new ConfigError('model.resnetB', `moves the stride inside a bottleneck block, and ${m.family} has none: choose model.family resnet50 or turn ResNet-B off`);
  }
  if (m.resnetC && m.family === 'cifar-resnet') {
    throw new ConfigError('model.resnetC', 'replaces an ImageNet-style stem, and the CIFAR ResNet has a single 3×3 stem conv: choose resnet18 or resnet50, or turn ResNet-C off');
  }
  if (m.resnetD && m.family === 'cifar-resnet' && m.skipConnections && m.shortcut !== 'projection') {
    throw new ConfigError(
      'model.resnetD',
      "modifies a projection shortcut, and option A (zero-pad) has none: set model.shortcut to 'projection' (option B, the reference ResNet-D is measured against) or turn ResNet-D off",
    );
  }
}

function checkShape(value: unknown, shape: unknown, path: string): void {
  if (!isPlainObject(shape)) {
    const problem = path === 'schemaVersion' ? checkVersion(value) : Object.hasOwn(CONFIG_FIELDS, path) ? checkField(fieldSpec(path as ConfigPath), value) : null;
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
    const trick = TRICK_CATALOG.find((t) => t.id === id);
    if (!trick) throw new ConfigError(`tricks.${id}`, `unknown trick (known: ${TRICK_CATALOG.map((t) => t.id).join(', ')})`);
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
      const problem = checkNumber(value, spec.min, spec.max, spec.integer ?? false);
      if (problem) throw new ConfigError(field, problem);
    }
  }
}

/**
 * Checks `value` is a complete, trainable config and returns it typed. Throws ConfigError naming
 * the first bad field. `ctx.trainSize`, when given, bounds the batch size.
 */
export function validateConfig(value: unknown, ctx: Context = {}): ExperimentConfig {
  upgradeV1(value);
  checkShape(value, DEFAULT_CONFIG, '');
  const config = value as ExperimentConfig;
  checkTricks(config.tricks);
  checkArchitecture(config.model);
  if (ctx.trainSize !== undefined) checkFitsData(config, ctx.trainSize);
  if (config.data.trainLimit !== null && config.optim.batchSize > config.data.trainLimit) {
    throw new ConfigError('optim.batchSize', `${config.optim.batchSize} is larger than data.trainLimit (${config.data.trainLimit})`);
  }
  return config;
}

/**
 * The one check that needs the data: a batch no larger than the training images. A config is
 * validated once where it enters (file, link, form, worker message); the trainer, which trusts
 * its config, asks only this.
 */
export function checkFitsData(config: ExperimentConfig, trainSize: number): void {
  if (config.optim.batchSize > trainSize) {
    throw new ConfigError('optim.batchSize', `${config.optim.batchSize} is larger than the ${trainSize} training images`);
  }
}
