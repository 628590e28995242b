/**
 * Learning-rate warmup (He et al. 2019, §3.1 "Large-batch training"; Goyal et al. 2017): at the
 * start all parameters are far from a solution and a large rate can be unstable, so over the
 * first m epochs the rate rises linearly per step: at step i (1-based) of m·stepsPerEpoch it is
 * i·η/m_steps, so the first step already moves (η/m_steps) and the last reaches η. After that
 * the inner schedule (step decay or cosine) takes over.
 */
import { warmupInfo } from './catalog';
import type { LrSchedule, Trick } from './types';

/** Number of warmup steps for `epochs` of warmup (rounded to whole steps). */
export function warmupStepCount(epochs: number, stepsPerEpoch: number): number {
  return Math.max(0, Math.round(epochs * stepsPerEpoch));
}

/**
 * Wraps `inner`: during the first `steps` steps, step s (0-based) gets (s + 1)/steps of the
 * inner rate; afterwards the inner rate unchanged.
 */
export function withWarmup(inner: LrSchedule, steps: number): LrSchedule {
  if (steps <= 0) return inner;
  return (step) => (step < steps ? ((step + 1) / steps) * inner(step) : inner(step));
}

/** Linear warmup over the first m epochs. */
export const warmup: Trick = {
  ...warmupInfo,
  schedule: (inner, p, ctx) => withWarmup(inner, warmupStepCount(p.epochs, ctx.stepsPerEpoch)),
  warmupSteps: (p, stepsPerEpoch) => warmupStepCount(p.epochs, stepsPerEpoch),
};
