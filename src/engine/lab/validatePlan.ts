/**
 * Validation of an ablation plan from any source (the planner form, a shared URL, an imported
 * file, `npm run ablate -- --plan`). As for configs: unknown keys are an error, every message
 * names the field by its dotted path, and the baseline goes through validateConfig.
 */
import type { ExperimentConfig } from '../config';
import { ConfigError, validateConfig } from '../validateConfig';
import { TRICK_CATALOG } from '../tricks/catalog';
import { FACTORIAL_LIMITS } from './factorialDesign';
import { planDatasetProblem } from './planDataset';
import { expandPlan, factorialResolution, PLAN_MODES, PLAN_SCHEMA_VERSION, type Plan, type PlanMode } from './plan';

/** Most seeds per config, configs per plan and runs per plan (a plan is a to-do list, not a sweep). */
export const PLAN_LIMITS = { seeds: 20, variants: 50, runs: 500 } as const;

/** A plan that cannot be run; `field` is the dotted path of the first problem. */
export class PlanError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'PlanError';
  }
}

const KEYS = ['schemaVersion', 'name', 'baseline', 'mode', 'tricks', 'variants', 'seeds'] as const;
/** Keys a plan may leave out (plans written before they existed stay valid). */
const OPTIONAL_KEYS = ['teacher', 'dataset'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function trickList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new PlanError(field, 'must be a list of trick ids');
  const known = TRICK_CATALOG.map((t) => t.id);
  value.forEach((id, i) => {
    if (typeof id !== 'string' || !known.includes(id)) throw new PlanError(`${field}.${i}`, `unknown trick ${JSON.stringify(id)} (known: ${known.join(', ')})`);
  });
  if (new Set(value).size !== value.length) throw new PlanError(field, 'lists a trick twice');
  return value as string[];
}

/**
 * Validates a variation of the (valid) baseline; a problem in the varied config field `varied` is
 * reported at `field` of the plan, any other at its own path.
 */
function baselineWith(field: string, varied: string, config: ExperimentConfig): void {
  try {
    validateConfig(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const message = err.message.slice(err.field.length + 2);
    const inside = err.field === varied || err.field.startsWith(`${varied}.`);
    throw new PlanError(inside ? field + err.field.slice(varied.length) : `${field} (${err.field})`, message);
  }
}

/** The plan's teacher: null, or `{ model }` with a model valid on the baseline's data. */
function checkTeacher(value: unknown, baseline: ExperimentConfig): void {
  if (value === null || value === undefined) return;
  if (!isPlainObject(value)) throw new PlanError('teacher', 'must be null or { model }');
  for (const key of Object.keys(value)) if (key !== 'model') throw new PlanError(`teacher.${key}`, 'unknown key');
  if (!isPlainObject(value.model)) throw new PlanError('teacher.model', 'must be a model config, as baseline.model');
  baselineWith('teacher.model', 'model', { ...baseline, model: value.model as unknown as ExperimentConfig['model'] });
}

/** Checks `value` is a complete plan and returns it typed; throws PlanError naming the field. */
export function validatePlan(value: unknown): Plan {
  if (!isPlainObject(value)) throw new PlanError('(plan)', 'must be an object');
  for (const key of Object.keys(value)) if (![...KEYS, ...OPTIONAL_KEYS].includes(key as never)) throw new PlanError(key, 'unknown key');
  for (const key of KEYS) if (!Object.hasOwn(value, key)) throw new PlanError(key, 'is missing');
  if (value.schemaVersion !== PLAN_SCHEMA_VERSION) {
    throw new PlanError('schemaVersion', `must be ${PLAN_SCHEMA_VERSION} (got ${JSON.stringify(value.schemaVersion)}); this app reads plan schema ${PLAN_SCHEMA_VERSION}`);
  }
  if (typeof value.name !== 'string' || value.name.length > 200) throw new PlanError('name', 'must be a string of at most 200 characters');
  if (!PLAN_MODES.includes(value.mode as PlanMode)) throw new PlanError('mode', `must be one of ${PLAN_MODES.join(', ')} (got ${JSON.stringify(value.mode)})`);
  try {
    validateConfig(value.baseline);
  } catch (err) {
    if (err instanceof ConfigError) throw new PlanError(`baseline.${err.field}`, err.message.slice(err.field.length + 2));
    throw err;
  }
  const tricks = trickList(value.tricks, 'tricks');
  if (!Array.isArray(value.variants) || value.variants.length > PLAN_LIMITS.variants) {
    throw new PlanError('variants', `must be a list of at most ${PLAN_LIMITS.variants} entries`);
  }
  value.variants.forEach((v: unknown, i: number) => {
    const field = `variants.${i}`;
    if (!isPlainObject(v)) throw new PlanError(field, 'must be { label, tricks }');
    for (const key of Object.keys(v)) if (key !== 'label' && key !== 'tricks' && key !== 'batchSize') throw new PlanError(`${field}.${key}`, 'unknown key');
    if (typeof v.label !== 'string' || v.label.length === 0 || v.label.length > 100) throw new PlanError(`${field}.label`, 'must be a string of 1 to 100 characters');
    trickList(v.tricks, `${field}.tricks`);
    if (v.batchSize !== undefined) {
      const baseline = value.baseline as ExperimentConfig;
      baselineWith(`${field}.batchSize`, 'optim.batchSize', { ...baseline, optim: { ...baseline.optim, batchSize: v.batchSize as number } });
    }
  });
  const seeds = value.seeds;
  if (!Array.isArray(seeds) || seeds.length < 1 || seeds.length > PLAN_LIMITS.seeds) throw new PlanError('seeds', `must list 1 to ${PLAN_LIMITS.seeds} seeds`);
  seeds.forEach((s: unknown, i: number) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 2 ** 32 - 1) throw new PlanError(`seeds.${i}`, 'must be a whole number between 0 and 4294967295');
  });
  if (new Set(seeds).size !== seeds.length) throw new PlanError('seeds', 'lists a seed twice');
  const resolution = factorialResolution(value.mode as PlanMode);
  if (resolution !== null) {
    const { min, max } = FACTORIAL_LIMITS[resolution];
    if (tricks.length < min || tricks.length > max) throw new PlanError('tricks', `a resolution ${resolution === 4 ? 'IV' : 'V'} factorial design takes ${min} to ${max} tricks (got ${tricks.length})`);
  }
  checkTeacher(value.teacher, value.baseline as ExperimentConfig);
  const dataset = planDatasetProblem(value.dataset);
  if (dataset) throw new PlanError(dataset.field, dataset.message);
  // Bounded before expanding: at most 50 configs (or 128 for a factorial), 20 seeds and a teacher.
  const runs = expandPlan(value as unknown as Plan).runs.length;
  if (runs > PLAN_LIMITS.runs) throw new PlanError('seeds', `the plan has ${runs} runs; at most ${PLAN_LIMITS.runs}`);
  return value as unknown as Plan;
}
