/**
 * Small pure helpers for what the UI shows before and during a run: how many steps an epoch
 * will have (to draw the LR schedule before training), the ETA, and durations as text.
 */
import type { ExperimentConfig } from '../engine/config';
import type { StepEvent } from '../engine/events';
import { stepsPerEpoch } from '../engine/train/schedule';
import type { DatasetInfo } from '../worker/protocol';

/**
 * Training images a run will use: the dataset's train split, less the held-out validation
 * fraction when the dataset has no test split, capped by `data.trainLimit`.
 */
export function trainImages(config: ExperimentConfig, dataset: DatasetInfo): number {
  const held = dataset.testCount > 0 ? 0 : Math.round(dataset.trainCount * config.data.valFraction);
  const available = dataset.trainCount - held;
  return config.data.trainLimit === null ? available : Math.min(available, config.data.trainLimit);
}

/** Steps per epoch as the training loop counts them (the last partial batch is dropped). */
export function plannedStepsPerEpoch(config: ExperimentConfig, dataset: DatasetInfo): number {
  return stepsPerEpoch(trainImages(config, dataset), Math.max(1, config.optim.batchSize));
}

/** Seconds left, extrapolated from the time taken so far. */
export function etaSeconds(e: StepEvent): number {
  if (e.step <= 0) return 0;
  return (e.elapsedSeconds / e.step) * Math.max(0, e.totalSteps - e.step);
}

/**
 * Steps up to which sampleSchedule reads every step (to find the jumps of a step decay): about
 * 20 ms of schedule calls. Past it (a typed-in run of a billion epochs, or a valid but long one
 * at batch 1) it reads only the evenly spaced samples, so typing a large number cannot freeze
 * the page; a jump then spans one sample, 1/maxPoints of the chart's width.
 */
export const EXACT_SCHEDULE_STEPS = 1_000_000;

/**
 * Samples a schedule for a chart: about `maxPoints` evenly spaced steps, plus both sides of
 * every jump so step decays stay vertical (up to EXACT_SCHEDULE_STEPS steps). Steps are 1-based
 * like StepEvent.step.
 */
export function sampleSchedule(lr: (step: number) => number, totalSteps: number, maxPoints = 240): { step: number; lr: number }[] {
  const every = Math.max(1, Math.ceil(totalSteps / maxPoints));
  const points: { step: number; lr: number }[] = [];
  if (totalSteps > EXACT_SCHEDULE_STEPS) {
    for (let s = 0; s < totalSteps; s += every) points.push({ step: s + 1, lr: lr(s) });
    if ((totalSteps - 1) % every !== 0) points.push({ step: totalSteps, lr: lr(totalSteps - 1) });
    return points;
  }
  let previous = Number.NaN;
  for (let s = 0; s < totalSteps; s++) {
    const value = lr(s);
    const jump = s > 0 && Math.abs(value - previous) > 1e-3 * Math.abs(previous);
    if (jump && (s - 1) % every !== 0) points.push({ step: s, lr: previous });
    if (s % every === 0 || jump || s === totalSteps - 1) points.push({ step: s + 1, lr: value });
    previous = value;
  }
  return points;
}
