/**
 * Compare as you go: the single-run page keeps its last few finished runs and draws them, faded,
 * behind the live one, each labelled by its tricks. Pure: the list is a value, every change
 * returns a new one. A run can be kept (pinned: a newer run never pushes it out), hidden, or the
 * list cleared; the runs can go to the lab as a hand-made ('custom') plan, one entry per run.
 */
import type { ExperimentConfig } from '../engine/config';
import { createPlan, type Plan } from '../engine/lab/plan';
import { groupKey } from '../engine/lab/summary';
import type { RunResult } from '../engine/results';
import { TRICK_CATALOG } from '../engine/tricks/catalog';
import { isEnabled } from '../engine/tricks/types';
import type { SeriesPoint } from './charts/LiveSeries';
import { assignColors, colorFor } from './colors';

/** At most this many finished runs stay on the charts. */
export const MAX_PAST_RUNS = 5;

export interface PastRun {
  /** Unique on the page (the worker's run id). */
  id: string;
  /** 'baseline' or '+ Trick + Trick', the tricks switched on, by their paper names. */
  label: string;
  /** The trick ids switched on (and applicable), in registry order. */
  tricks: string[];
  config: ExperimentConfig;
  color: string;
  /** Training loss per logged step. */
  loss: SeriesPoint[];
  /** Validation top-1 per epoch, in percent. */
  val: SeriesPoint[];
  /** Kept: never pushed out by newer runs. */
  pinned: boolean;
  hidden: boolean;
}

/** The trick ids a config has on (and applicable), in registry order. */
export function tricksOn(config: ExperimentConfig): string[] {
  return TRICK_CATALOG.filter((t) => isEnabled(t, config)).map((t) => t.id);
}

/** 'baseline', or '+ ' and the names of the tricks on, joined by ' + '. */
export function runLabel(tricks: readonly string[]): string {
  if (tricks.length === 0) return 'baseline';
  return `+ ${tricks.map((id) => TRICK_CATALOG.find((t) => t.id === id)?.name ?? id).join(' + ')}`;
}

/**
 * A finished run as it is kept. Its colour is its config's (colors.ts): the colour of a kept run
 * with the same config (the seed aside), else the first of the palette no kept run uses.
 */
export function pastRunOf(id: string, result: RunResult, kept: readonly PastRun[]): PastRun {
  const tricks = tricksOn(result.config);
  const key = groupKey(result.config);
  const keptColors = new Map(kept.map((r) => [groupKey(r.config), r.color]));
  const color = assignColors([...keptColors.keys(), key], keptColors).get(key) ?? colorFor(0);
  return {
    id,
    label: runLabel(tricks),
    tricks,
    config: result.config,
    color,
    loss: result.steps.filter((s) => Number.isFinite(s.loss)).map((s) => ({ x: s.step, y: s.loss })),
    val: result.epochs.map((e) => ({ x: e.epoch, y: 100 * e.valTop1 })),
    pinned: false,
    hidden: false,
  };
}

/**
 * Adds a run (once: a run already kept is left as it is); beyond MAX_PAST_RUNS the oldest run
 * not kept goes, and when every run is kept the new one is not added.
 */
export function addPastRun(runs: readonly PastRun[], run: PastRun): PastRun[] {
  if (runs.some((r) => r.id === run.id)) return [...runs];
  const next = [...runs, run];
  if (next.length <= MAX_PAST_RUNS) return next;
  const drop = next.findIndex((r) => !r.pinned);
  return drop === next.length - 1 || drop < 0 ? [...runs] : next.filter((_, i) => i !== drop);
}

/** The list with run `id` changed by `patch` (keep or hide). */
export function updatePastRun(runs: readonly PastRun[], id: string, patch: Partial<Pick<PastRun, 'pinned' | 'hidden'>>): PastRun[] {
  return runs.map((r) => (r.id === id ? { ...r, ...patch } : r));
}

/** A lab plan of these runs: a hand-made plan, one entry per run (its tricks), with why it may differ. */
export interface PlanFromRuns {
  plan: Plan;
  /** Settings other than tricks that differ between the runs: the plan takes the first run's. */
  notes: string[];
}

/**
 * The runs as a 'custom' plan: the baseline is the first run's config with every trick off (the
 * tricks' parameters kept), one entry per run with the tricks it had on, two seeds from the first
 * run's. Runs with the same tricks become one entry. Other settings come from the first run;
 * where another run differed, a note says which.
 */
export function planFromRuns(runs: readonly PastRun[]): PlanFromRuns {
  if (runs.length === 0) throw new Error('no finished runs to send to the lab: finish a run first');
  const first = runs[0].config;
  const baseline = structuredClone(first);
  for (const id of Object.keys(baseline.tricks)) baseline.tricks[id] = { ...baseline.tricks[id], enabled: false };
  const variants: Plan['variants'] = [];
  for (const r of runs) if (!variants.some((v) => v.label === r.label)) variants.push({ label: r.label, tricks: [...r.tricks] });
  const tricks = TRICK_CATALOG.map((t) => t.id).filter((id) => variants.some((v) => v.tricks.includes(id)));
  const notes = runs.slice(1).flatMap((r) => {
    const differs = (['model', 'data', 'optim', 'schedule', 'run'] as const).filter((k) => !sameSettings(k, r.config, first));
    return differs.length ? [`${r.label} had other ${differs.join(', ')} settings than ${runs[0].label}; the plan uses ${runs[0].label}'s`] : [];
  });
  return { plan: createPlan(baseline, { name: 'Single-run comparison', mode: 'custom', tricks, variants }), notes };
}

/** Whether two configs agree on one section (the seed, which a plan sets per run, aside). */
function sameSettings(section: 'model' | 'data' | 'optim' | 'schedule' | 'run', a: ExperimentConfig, b: ExperimentConfig): boolean {
  const strip = (c: ExperimentConfig) => (section === 'run' ? { ...c.run, seed: 0 } : c[section]);
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
