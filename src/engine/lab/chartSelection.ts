/**
 * Which configs the lab's charts draw. A chart with hundreds of lines says nothing and takes
 * seconds to draw, so past a legible number the charts show the reference, the k configs with
 * the highest and the k with the lowest Δ, and whatever the user picked (or is training now);
 * every config stays in the results table.
 */
import type { GroupSummary } from './summary';

/** Top and bottom configs by Δ drawn besides the reference and the picked ones. */
export const CHART_EXTREMES = 4;
/** Most series a chart draws: reference, 2 × CHART_EXTREMES, and room for picked ones. */
export const MAX_CHART_SERIES = 16;

/**
 * The keys to draw, in table order: every row when they are at most `max`, else the reference,
 * the `k` highest and `k` lowest Δ, then `picked` (up to `max` in all).
 */
export function chartedKeys(rows: readonly GroupSummary[], picked: ReadonlySet<string>, k = CHART_EXTREMES, max = MAX_CHART_SERIES): Set<string> {
  if (rows.length <= max) return new Set(rows.map((r) => r.key));
  const keep = new Set<string>();
  const reference = rows.find((r) => r.isReference);
  if (reference) keep.add(reference.key);
  const ranked = rows.filter((r) => !r.isReference && r.delta !== null).sort((a, b) => b.delta!.mean - a.delta!.mean);
  for (const r of ranked.slice(0, k)) keep.add(r.key);
  for (const r of ranked.slice(Math.max(k, ranked.length - k))) keep.add(r.key);
  for (const key of picked) {
    if (keep.size >= max) break;
    if (rows.some((r) => r.key === key)) keep.add(key);
  }
  return new Set(rows.filter((r) => keep.has(r.key)).map((r) => r.key));
}
