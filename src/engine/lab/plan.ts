/**
 * The ablation planner: from a baseline config and a set of tricks, the list of runs that
 * measures what each trick is worth. Five designs:
 * - 'each-alone': the baseline, then the baseline plus one trick at a time;
 * - 'cumulative': tricks stacked one after another in the chosen order, as in Table 6 of He et
 *   al. 2019 ("Bag of Tricks for Image Classification with Convolutional Neural Networks"),
 *   where each row adds one refinement to the row above;
 * - 'leave-one-out': every trick on, then each one switched off in turn (what each is worth
 *   in the company of the others);
 * - 'custom': a hand-made list of trick sets;
 * - 'factorial-iv' / 'factorial-v': a two-level fractional factorial over the tricks
 *   (factorialDesign.ts), from which each trick's main effect, and at resolution V each
 *   two-trick interaction, is estimated over all configs at once (factorialEffects.ts).
 * Every config runs once per seed (a claim about a trick needs a spread over seeds, as
 * airbench reports). A plan may train its distillation teacher first (`teacher`): a bigger
 * model on the same data and seed, whose weights teach that seed's distillation runs. The plan is plain, versioned data: the URL, the export and the Node runner
 * (`npm run ablate`) carry it, and validatePlan checks it like any other input.
 */
import type { ExperimentConfig, ModelConfig } from '../config';
import { getTrickInfo, TRICK_CATALOG } from '../tricks/catalog';
import { factorialDesign, type Resolution } from './factorialDesign';
import type { PlanDataset } from './planDataset';
import { modelName, needsTeacher } from './teacher';

/** Bump when the shape changes; other versions are refused with a message. */
export const PLAN_SCHEMA_VERSION = 1;

export type PlanMode = 'each-alone' | 'cumulative' | 'leave-one-out' | 'custom' | 'factorial-iv' | 'factorial-v';
export const PLAN_MODES: readonly PlanMode[] = ['each-alone', 'cumulative', 'leave-one-out', 'custom', 'factorial-iv', 'factorial-v'];

/** The resolution of a factorial mode, or null for the other designs. */
export function factorialResolution(mode: PlanMode): Resolution | null {
  return mode === 'factorial-iv' ? 4 : mode === 'factorial-v' ? 5 : null;
}

/** A hand-made entry: the trick ids switched on over the baseline. */
export interface PlanVariant {
  label: string;
  tricks: string[];
  /** Images per step of this entry when it differs from the baseline's (large-batch designs). */
  batchSize?: number;
}

export interface Plan {
  schemaVersion: number;
  /** Shown in the lab and the export. */
  name: string;
  /**
   * The common config. The plan switches its tricks on and off; a trick's parameters come from
   * `baseline.tricks[id].params` when present, else the trick's defaults.
   */
  baseline: ExperimentConfig;
  mode: PlanMode;
  /** Trick ids the plan varies, in order (the stacking order for 'cumulative'). */
  tricks: string[];
  /** For 'custom' only: the configs to run, each a set of tricks over the baseline. */
  variants: PlanVariant[];
  /** Every config runs once per seed (replacing `run.seed`). */
  seeds: number[];
  /** A teacher to train first for the configs that distil; absent or null: a finished run is chosen instead. */
  teacher?: PlanTeacher | null;
  /** The dataset loaded when the plan was made; absent or null in plans that record none. */
  dataset?: PlanDataset | null;
}

/**
 * The distillation teacher a plan trains: the baseline with this model, every varied trick and
 * distillation off, once per seed before that seed's configs (the held-out split of a dataset
 * without a test split depends on the seed, so each seed's students get a teacher of their own
 * split, and a seed's Δ includes its teacher's luck).
 */
export interface PlanTeacher {
  model: ModelConfig;
}

/** One config of the plan; its runs differ only by seed. */
export interface PlannedGroup {
  /** Position in the plan (colour and row order). */
  index: number;
  label: string;
  /** The reference the others' Δ is measured against: the baseline, or 'all on' for leave-one-out. */
  isReference: boolean;
  /** Trick ids switched on (of those the plan varies). */
  tricks: string[];
  /** The config with the first seed. */
  config: ExperimentConfig;
  /** The plan's teacher (trained first for the configs that distil), not a config compared. */
  isTeacher?: boolean;
}

export interface PlannedRun {
  /** Unique within the plan: `g<group>-s<seed>`. */
  key: string;
  group: number;
  label: string;
  seed: number;
  config: ExperimentConfig;
  /** The key of the planned teacher run whose weights this run distils from. */
  teacherKey?: string;
}

export interface ExpandedPlan {
  groups: PlannedGroup[];
  /** Seed-major order: every config with the first seed, then the second…, so early results compare. */
  runs: PlannedRun[];
}

/** A plan with sensible defaults: each trick alone over `baseline`, two seeds. */
export function createPlan(baseline: ExperimentConfig, patch: Partial<Omit<Plan, 'schemaVersion' | 'baseline'>> = {}): Plan {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    name: patch.name ?? 'Ablation',
    baseline: structuredClone(baseline),
    mode: patch.mode ?? 'each-alone',
    tricks: patch.tricks ?? [],
    variants: patch.variants ?? [],
    seeds: patch.seeds ?? seedRange(baseline.run.seed, 2),
    teacher: patch.teacher ?? null,
    ...(patch.dataset ? { dataset: patch.dataset } : {}),
  };
}

/** Seeds are 32-bit unsigned integers (run.seed's range): 0 … 4294967295. */
export const SEED_LIMIT = 2 ** 32;

/**
 * `count` consecutive seeds from `first` (the planner's "N seeds"), wrapping past 4294967295 to 0,
 * so a plan from any valid seed stays valid (at most SEED_LIMIT distinct seeds, far more than a plan takes).
 */
export function seedRange(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (first + i) % SEED_LIMIT);
}

const shortName = (id: string): string => getTrickInfo(id)?.name ?? id;

interface Design {
  label: string;
  tricks: string[];
  isReference: boolean;
  batchSize?: number;
}

/** The trick sets, labels and reference flag of each config, before seeds. */
function designs(plan: Plan): Design[] {
  const t = plan.tricks;
  switch (plan.mode) {
    case 'each-alone':
      return [{ label: 'baseline', tricks: [], isReference: true }, ...t.map((id) => ({ label: `+ ${shortName(id)}`, tricks: [id], isReference: false }))];
    case 'cumulative':
      return [
        { label: 'baseline', tricks: [], isReference: true },
        ...t.map((id, i) => ({ label: `+ ${shortName(id)}`, tricks: t.slice(0, i + 1), isReference: false })),
      ];
    case 'leave-one-out':
      return [
        { label: 'all on', tricks: [...t], isReference: true },
        ...t.map((id) => ({ label: `− ${shortName(id)}`, tricks: t.filter((x) => x !== id), isReference: false })),
      ];
    case 'custom':
      return plan.variants.map((v, i) => ({ label: v.label, tricks: [...v.tricks], isReference: i === 0, batchSize: v.batchSize }));
    case 'factorial-iv':
    case 'factorial-v':
      // Row 0 is the all-off baseline, the reference of the table's Δ.
      return factorialDesign(t.length, plan.mode === 'factorial-v' ? 5 : 4).rows.map((row, i) => {
        const on = t.filter((_, j) => row[j] > 0);
        return { label: on.length ? `+ ${on.join(' + ')}` : 'baseline', tricks: on, isReference: i === 0 };
      });
  }
}

/** The baseline with exactly `on` switched on among the tricks the plan varies. */
export function configWith(plan: Plan, on: readonly string[], label: string, seed: number): ExperimentConfig {
  const config = structuredClone(plan.baseline);
  const varied = new Set([...plan.tricks, ...plan.variants.flatMap((v) => v.tricks)]);
  for (const id of varied) {
    const params = config.tricks[id]?.params ?? {};
    if (on.includes(id)) config.tricks[id] = { enabled: true, params };
    else if (config.tricks[id]) config.tricks[id] = { enabled: false, params };
  }
  config.name = label;
  config.run.seed = seed;
  return config;
}

/** A design's config with `seed`: configWith plus the entry's own batch size. */
function designConfig(plan: Plan, d: Design, seed: number): ExperimentConfig {
  const config = configWith(plan, d.tricks, d.label, seed);
  if (d.batchSize !== undefined) config.optim.batchSize = d.batchSize;
  return config;
}

/** The plan's teacher with `seed`: the baseline with the teacher's model, nothing varied, no distillation. */
export function teacherConfig(plan: Plan, teacher: PlanTeacher, seed: number): ExperimentConfig {
  const config = configWith(plan, [], `teacher ${modelName(teacher.model)}`, seed);
  config.model = structuredClone(teacher.model);
  for (const t of TRICK_CATALOG) if (t.needsTeacher && config.tricks[t.id]) config.tricks[t.id] = { ...config.tricks[t.id], enabled: false };
  return config;
}

/** Lists every config and run of the plan (pure; validate the plan first). */
export function expandPlan(plan: Plan): ExpandedPlan {
  const list = designs(plan);
  const firstSeed = plan.seeds[0] ?? plan.baseline.run.seed;
  const groups: PlannedGroup[] = list.map((d, index) => ({
    index,
    label: d.label,
    isReference: d.isReference,
    tricks: d.tricks,
    config: designConfig(plan, d, firstSeed),
  }));
  // The teacher is the last group (the configs keep their indices) and the first run of each seed.
  const teacher = plan.teacher && groups.some((g) => needsTeacher(g.config)) ? plan.teacher : null;
  const teacherGroup: PlannedGroup | null = teacher
    ? { index: groups.length, label: `teacher ${modelName(teacher.model)}`, isReference: false, tricks: [], config: teacherConfig(plan, teacher, firstSeed), isTeacher: true }
    : null;
  const runs: PlannedRun[] = [];
  for (const seed of plan.seeds) {
    const teacherKey = teacher && teacherGroup ? `t-s${seed}` : undefined;
    if (teacher && teacherGroup && teacherKey) runs.push({ key: teacherKey, group: teacherGroup.index, label: teacherGroup.label, seed, config: teacherConfig(plan, teacher, seed) });
    for (const g of groups) {
      const config = designConfig(plan, list[g.index], seed);
      runs.push({ key: `g${g.index}-s${seed}`, group: g.index, label: g.label, seed, config, ...(teacherKey && needsTeacher(config) ? { teacherKey } : {}) });
    }
  }
  if (teacherGroup) groups.push(teacherGroup);
  return { groups, runs };
}

/** Tricks of the plan that do not apply to its baseline (they would change nothing), with why. */
export function inapplicableTricks(plan: Plan): { id: string; reason: string }[] {
  const out: { id: string; reason: string }[] = [];
  for (const id of new Set([...plan.tricks, ...plan.variants.flatMap((v) => v.tricks)])) {
    const trick = TRICK_CATALOG.find((t) => t.id === id);
    const reason = trick?.notApplicable?.(configWith(plan, [id], '', plan.baseline.run.seed)) ?? null;
    if (reason) out.push({ id, reason });
  }
  return out;
}

/**
 * Part `index` (1-based) of `count` of a plan's runs, for splitting a large plan over machines:
 * every count-th run from the index-th, so each part gets a share of every config and seed.
 */
export function shardRuns<T>(runs: readonly T[], index: number, count: number): T[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new RangeError(`shard ${index}/${count}: expected k/n with 1 ≤ k ≤ n`);
  }
  return runs.filter((_, i) => i % count === index - 1);
}
