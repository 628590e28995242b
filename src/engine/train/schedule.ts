/**
 * The learning rate as a pure function of the global step (0-based); the loop owns the step
 * counter. Baseline: step decay, ×gamma at each milestone epoch (He et al. 2016: ÷10 at 50% and
 * 75% of training). Tricks in the 'schedule' phase rescale the base LR (linear scaling) and
 * wrap the schedule (cosine decay replaces the decay; warmup wraps whatever it is given).
 */
import type { ExperimentConfig } from '../config';
import { TRICKS } from '../tricks/registry';
import { isEnabled, trickParams, type LrSchedule, type ScheduleContext } from '../tricks/types';

/** Step decay (or constant) from a base LR. */
export function baseSchedule(baseLr: number, ctx: ScheduleContext): LrSchedule {
  const { schedule, run } = ctx.config;
  if (schedule.kind === 'constant') return () => baseLr;
  const boundaries = schedule.milestones.map((m) => Math.round(m * run.epochs) * ctx.stepsPerEpoch);
  return (step) => baseLr * Math.pow(schedule.gamma, boundaries.filter((b) => step >= b).length);
}

/**
 * The run's full schedule: base LR through each enabled trick's `baseLr`, the base schedule, then
 * each enabled trick's `schedule` hook applied in reverse registry order, so the trick listed
 * first ends outermost (warmup, listed before cosine, wraps cosine).
 */
export function buildLrSchedule(config: ExperimentConfig, stepsPerEpoch: number): { lr: LrSchedule; totalSteps: number } {
  const ctx: ScheduleContext = { config, stepsPerEpoch, totalSteps: stepsPerEpoch * config.run.epochs };
  const enabled = TRICKS.filter((t) => isEnabled(t, config));
  let base = config.optim.lr;
  for (const t of enabled) if (t.baseLr) base = t.baseLr(base, trickParams(t, config), ctx);
  let lr = baseSchedule(base, ctx);
  for (const t of [...enabled].reverse()) if (t.schedule) lr = t.schedule(lr, trickParams(t, config), ctx);
  return { lr, totalSteps: ctx.totalSteps };
}

/** Steps per epoch for a training set (the last partial batch is dropped). */
export function stepsPerEpoch(trainCount: number, batchSize: number): number {
  return Math.max(1, Math.floor(trainCount / batchSize));
}
