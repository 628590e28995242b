/**
 * The learning rate as a pure function of the global step (0-based); the loop owns the step
 * counter. Baseline: step decay, ×gamma at each milestone epoch (He et al. 2016: ÷10 at 50% and
 * 75% of training). Tricks in the 'schedule' phase rescale the base LR (linear scaling) and
 * wrap the schedule (cosine decay replaces the decay; warmup wraps whatever it is given).
 */
import type { ExperimentConfig } from '../config';
import { resolveTricks, type ResolvedTricks } from '../tricks/resolve';
import { SCHEDULE_TRICKS } from '../tricks/scheduleTricks';
import type { LrSchedule, ScheduleContext } from '../tricks/types';

/** Step decay (or constant) from a base LR. */
export function baseSchedule(baseLr: number, ctx: ScheduleContext): LrSchedule {
  const { schedule, run } = ctx.config;
  if (schedule.kind === 'constant') return () => baseLr;
  const boundaries = schedule.milestones.map((m) => Math.round(m * run.epochs) * ctx.stepsPerEpoch);
  return (step) => baseLr * Math.pow(schedule.gamma, boundaries.filter((b) => step >= b).length);
}

/**
 * The run's full schedule: base LR through each enabled trick's `baseLr`, the base schedule, then
 * the tricks' `schedule` wrappers in the resolver's order (the trick listed first ends outermost:
 * warmup wraps cosine, which knows warmup's length from the context).
 */
export function buildLrSchedule(config: ExperimentConfig, stepsPerEpoch: number, tricks: ResolvedTricks = resolveTricks(config, SCHEDULE_TRICKS)): { lr: LrSchedule; totalSteps: number } {
  const ctx: ScheduleContext = { config, stepsPerEpoch, totalSteps: stepsPerEpoch * config.run.epochs, warmupSteps: tricks.warmupSteps(stepsPerEpoch) };
  let base = config.optim.lr;
  for (const { trick, params } of tricks.having('baseLr')) base = trick.baseLr?.(base, params, ctx) ?? base;
  let lr = baseSchedule(base, ctx);
  for (const { trick, params } of tricks.scheduleWrappers) lr = trick.schedule?.(lr, params, ctx) ?? lr;
  return { lr, totalSteps: ctx.totalSteps };
}

/** Steps per epoch for a training set (the last partial batch is dropped). */
export function stepsPerEpoch(trainCount: number, batchSize: number): number {
  return Math.max(1, Math.floor(trainCount / batchSize));
}
