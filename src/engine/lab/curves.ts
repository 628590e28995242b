/**
 * Series for the live comparison charts: per config, the mean over its seeds with a band
 * (mean ± one standard deviation; the band collapses to the line with a single seed), per
 * epoch for validation accuracy and per logged step for the training loss and learning rate.
 * Optional smoothing is an exponential moving average with bias correction (as TensorBoard's
 * smoothing slider), applied per run before the seeds are averaged.
 */
import type { LabRun } from './types';

export interface BandPoint {
  x: number;
  mean: number;
  low: number;
  high: number;
  /** Runs contributing to this point. */
  n: number;
}

/** Bias-corrected EMA with weight `alpha` on the past (0 = no smoothing, 0.99 = heavy). */
export function smooth(values: readonly number[], alpha: number): number[] {
  if (alpha <= 0) return [...values];
  let avg = 0;
  let weight = 0;
  return values.map((v) => {
    avg = alpha * avg + (1 - alpha) * v;
    weight = alpha * weight + (1 - alpha);
    return avg / weight;
  });
}

/** Averages several runs' series point by point on x (a point is kept where any run has it). */
export function band(series: readonly { x: number; y: number }[][]): BandPoint[] {
  const byX = new Map<number, number[]>();
  for (const s of series) {
    for (const p of s) {
      if (!Number.isFinite(p.y)) continue;
      const list = byX.get(p.x) ?? [];
      list.push(p.y);
      byX.set(p.x, list);
    }
  }
  return [...byX]
    .sort(([a], [b]) => a - b)
    .map(([x, ys]) => {
      const n = ys.length;
      const mean = ys.reduce((s, y) => s + y, 0) / n;
      const std = n > 1 ? Math.sqrt(ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (n - 1)) : 0;
      return { x, mean, low: mean - std, high: mean + std, n };
    });
}

export type Metric = 'valTop1' | 'trainLoss' | 'lr';

/** One run's series of a metric: per epoch (valTop1) or per logged step (trainLoss, lr). */
export function runSeries(run: LabRun, metric: Metric, smoothing = 0): { x: number; y: number }[] {
  if (metric === 'valTop1') return run.epochs.map((e) => ({ x: e.epoch, y: e.valTop1 }));
  const points = run.steps.map((s) => ({ x: s.step, y: metric === 'lr' ? s.lr : s.loss }));
  if (metric === 'lr' || smoothing <= 0) return points;
  const ys = smooth(points.map((p) => p.y), smoothing);
  return points.map((p, i) => ({ x: p.x, y: ys[i] }));
}
