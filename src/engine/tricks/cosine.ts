/**
 * Cosine learning-rate decay (He et al. 2019, §5.1; Loshchilov & Hutter 2017): after warmup,
 * η_t = ½ (1 + cos(tπ/T)) η, with t the step counted from the end of warmup and T the steps
 * that remain. Unlike step decay the rate falls slowly at first, fastest in the middle, and
 * slowly again near zero at the end. It replaces the step decay; warmup, when on, wraps it
 * (warmup is listed first in the registry, so it is the outer schedule), and the schedule's
 * context says how many steps warmup takes, where this trick's own t = 0 lies.
 */
import { cosineInfo } from './catalog';
import type { LrSchedule, Trick } from './types';

/**
 * Cosine decay from `eta` to 0 over `total` steps starting at step `start`; the rate is `eta`
 * before `start` and 0 from `start + total` on.
 */
export function cosineSchedule(eta: number, start: number, total: number): LrSchedule {
  return (step) => {
    const t = Math.min(Math.max(step - start, 0), total);
    return total <= 0 ? eta : 0.5 * (1 + Math.cos((t * Math.PI) / total)) * eta;
  };
}

/** Replaces the step decay by a half cosine from the initial rate to zero. */
export const cosine: Trick = {
  ...cosineInfo,
  schedule: (inner, _p, ctx) => {
    // η is the inner schedule's initial rate (after linear scaling); its decay is replaced.
    const start = ctx.warmupSteps;
    return cosineSchedule(inner(0), start, ctx.totalSteps - start);
  },
};
