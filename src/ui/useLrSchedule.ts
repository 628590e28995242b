/**
 * The learning-rate curve to draw, from the pure schedule (buildLrSchedule), before and during
 * a run. It is recomputed only when the schedule's inputs change, keyed by their JSON: at Start
 * the App swaps in the run's own (equal) config, and a new array there would redraw the whole
 * memoised LR chart for nothing (a long task on a slow machine).
 */
import { useMemo } from 'react';
import type { ExperimentConfig } from '../engine/config';
import { buildLrSchedule } from '../engine/train/schedule';
import { sampleSchedule } from './runPlan';

/** Sampled (step, lr) points; empty when the steps per epoch are unknown or the config is invalid. */
export function useLrSchedulePoints(config: ExperimentConfig, stepsPerEpoch: number | null): { step: number; lr: number }[] {
  // The label and the dataset's id do not change the schedule.
  const key = stepsPerEpoch === null ? null : JSON.stringify({ config: { ...config, name: '', data: { ...config.data, dataset: 'synthetic' } }, stepsPerEpoch });
  return useMemo(() => {
    if (key === null) return [];
    const plan = JSON.parse(key) as { config: ExperimentConfig; stepsPerEpoch: number };
    try {
      const schedule = buildLrSchedule(plan.config, plan.stepsPerEpoch);
      return sampleSchedule(schedule.lr, schedule.totalSteps);
    } catch {
      return []; // an invalid config has no schedule; the worker names the field on Start
    }
  }, [key]);
}
