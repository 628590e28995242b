/**
 * Which tricks a run has on, resolved once per config: the enabled and applicable ones with
 * their parameter values, in registry order, and what the step, the schedule and the trainer
 * each need from them (the schedule's wrapping order, warmup's length, whether a teacher is
 * needed, the batch mixers). Also the tricks' random streams: one per registered trick, forked
 * from the run's trick generator in registry order whatever is on, so switching mixup on does not
 * move CutMix's boxes (each alone / leave one out then compare one trick, not two).
 */
import type { ExperimentConfig } from '../config';
import type { Rng, RngState } from '../rng';
import { TRICK_CATALOG } from './catalog';
import { isEnabled, trickParams, type MixDraw, type Params, type Trick, type TrickInfo } from './types';

/** One enabled trick with its parameter values. */
export interface ActiveTrick {
  trick: Trick;
  params: Params;
}

/** One active mixer's draws for a batch. */
export interface MixerDraw {
  active: ActiveTrick;
  draw: MixDraw;
}

/** The enabled tricks of a config and what each consumer asks of them. */
export interface ResolvedTricks {
  /** Enabled and applicable, in registry order. */
  readonly active: readonly ActiveTrick[];
  /** The active tricks that define `hook`, in registry order. */
  having(hook: keyof Trick): ActiveTrick[];
  /** Schedule wrappers innermost first (reverse registry order: warmup, listed before cosine, ends outermost). */
  readonly scheduleWrappers: readonly ActiveTrick[];
  /** Steps given to warmup at the start of the run (0 when no trick warms up). */
  warmupSteps(stepsPerEpoch: number): number;
  /** The message a run without a teacher fails with, when an active trick needs one; else null. */
  readonly missingTeacherMessage: string | null;
  /**
   * The mixer for this batch: with one mixer on, it when its draw says so; with several, one
   * chosen by `switchDraw` (uniform in [0, 1)) by their shares. Never more than one.
   */
  chooseMixer(draws: readonly MixerDraw[], switchDraw: number): MixDraw | null;
}

/**
 * Resolves `config`'s tricks among `tricks`: the registry (registry.ts) for a run, or a tf-free
 * subset where only some phases matter (the page's schedule preview, scheduleTricks.ts). The
 * list is an argument so that this module, imported on the page's main thread, imports no tfjs.
 */
export function resolveTricks(config: ExperimentConfig, tricks: readonly Trick[]): ResolvedTricks {
  const active = tricks.filter((t) => isEnabled(t, config)).map((trick) => ({ trick, params: trickParams(trick, config) }));
  const having = (hook: keyof Trick) => active.filter((a) => a.trick[hook] !== undefined);
  return {
    active,
    having,
    scheduleWrappers: having('schedule').reverse(),
    warmupSteps: (stepsPerEpoch) => having('warmupSteps').reduce((sum, a) => sum + (a.trick.warmupSteps?.(a.params, stepsPerEpoch) ?? 0), 0),
    missingTeacherMessage: active.find((a) => a.trick.needsTeacher)?.trick.needsTeacher ?? null,
    chooseMixer(draws, switchDraw) {
      if (draws.length === 0) return null;
      if (draws.length === 1) return draws[0].draw.apply ? draws[0].draw : null;
      // Mixers with a share take it in turn; the first without one takes what is left.
      let edge = 0;
      for (const d of draws) {
        const share = d.active.trick.switchShare?.(d.active.params);
        if (share === undefined) continue;
        edge += share;
        if (switchDraw < edge) return d.draw;
      }
      return (draws.find((d) => !d.active.trick.switchShare) ?? draws[draws.length - 1]).draw;
    },
  };
}

/** Label of the stream that picks the mixer when several are on. */
export const MIX_SWITCH_STREAM = 'mix-switch';

/** The tricks' random streams, one per registered trick plus the mixer switch. */
export interface TrickStreams {
  get(label: string): Rng;
  /** Every stream's state, by label (for checkpoints). */
  save(): Record<string, RngState>;
  /** Restores states `save` returned; throws naming a stream the checkpoint lacks. */
  restore(states: Record<string, RngState>): void;
}

/** Forks the streams from `rng` in registry order, every registered trick whether on or not. */
export function createTrickStreams(rng: Rng, tricks: readonly TrickInfo[] = TRICK_CATALOG): TrickStreams {
  const labels = [...tricks.map((t) => t.id), MIX_SWITCH_STREAM];
  const streams = new Map(labels.map((label) => [label, rng.fork(label)]));
  const get = (label: string): Rng => {
    const s = streams.get(label);
    if (!s) throw new Error(`no random stream for '${label}' (known: ${labels.join(', ')})`);
    return s;
  };
  return {
    get,
    save: () => Object.fromEntries(labels.map((l) => [l, get(l).save()])),
    restore: (states) => {
      for (const l of labels) {
        if (!states[l]) throw new Error(`checkpoint: no random state for '${l}'`);
        get(l).restore(states[l]);
      }
    },
  };
}
