/**
 * Axis domains and ticks that stay bounded for any input. A chart's values come from training
 * (a loss can reach 1e300 or Infinity at a large learning rate) or from an imported file, so an
 * axis is never built by stepping a fixed increment up to the data: every axis here has at most
 * `count + 1` "nice" ticks (1, 2 or 5 × 10^k apart, as d3's ticks), whatever the range, and
 * non-finite values are left out of the domain (they are drawn nowhere).
 */

/** Ticks per axis aimed for (an axis has at most this many intervals). */
export const TICK_COUNT = 5;

/** A y (or x) axis: its domain and the values it labels. */
export interface Axis {
  domain: [number, number];
  ticks: number[];
}

/** The smallest and largest finite values, or null when there is none. */
export function finiteExtent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** 1, 2 or 5 × 10^k, the smallest such step that covers `span` in `count` intervals. */
export function niceStep(span: number, count = TICK_COUNT): number {
  const raw = span / count;
  if (!(raw > Number.MIN_VALUE) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  if (!(magnitude > 0)) return raw; // below 1e-308 the power underflows; the raw step still bounds the count
  const f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
}

/**
 * A linear axis over the finite `values`, widened to include `include` (e.g. 0 and a usual top):
 * the domain's ends are multiples of one nice step, and there are at most `count + 1` ticks.
 */
export function linearAxis(values: Iterable<number>, include: readonly number[] = [], count = TICK_COUNT): Axis {
  const extent = finiteExtent([...values, ...include]);
  let [lo, hi] = extent ?? [0, 1];
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [Math.min(0, 2 * lo), Math.max(0, 2 * hi)];
  // Half each end before subtracting: hi − lo overflows when they are near ±Number.MAX_VALUE.
  const step = niceStep(2 * (hi / 2 - lo / 2), count);
  let first = Math.floor(lo / step) * step;
  let last = Math.ceil(hi / step) * step;
  if (!Number.isFinite(first)) first = lo;
  if (!Number.isFinite(last)) last = hi;
  const ticks: number[] = [];
  // count + 2 covers the rounding at both ends; the cap holds even if the step were off.
  for (let i = 0; i <= count + 2; i++) {
    const t = first + i * step;
    if (!(t <= last) || !Number.isFinite(t)) break;
    ticks.push(roundTick(t, step));
  }
  return { domain: [first, last], ticks };
}

/**
 * A log10 axis over the positive finite `values`: whole decades, at most `count + 1` ticks (every
 * k-th decade when the values span more than `count`).
 */
export function logAxis(values: Iterable<number>, count = TICK_COUNT): Axis {
  const positive = [...values].filter((v) => v > 0);
  const [lo, hi] = finiteExtent(positive) ?? [1, 10];
  // 1e-307 ≤ ends ≤ 1e308: beyond them a power of ten is not a normal finite double.
  let low = Math.max(-307, Math.floor(Math.log10(lo)));
  let high = Math.min(308, Math.ceil(Math.log10(hi)));
  if (high === low) high = Math.min(308, low + 1);
  if (high === low) low -= 1;
  const stride = Math.max(1, Math.ceil((high - low) / count));
  high = Math.min(308, low + stride * Math.ceil((high - low) / stride));
  const ticks: number[] = [];
  for (let e = low; e <= high; e += stride) ticks.push(Number(`1e${e}`));
  return { domain: [Number(`1e${low}`), Number(`1e${high}`)], ticks };
}

/** `t` without the float noise of `first + i × step` (0.30000000000000004 → 0.3). */
function roundTick(t: number, step: number): number {
  if (t === 0 || step === 0) return t;
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return digits > 0 && digits <= 20 ? Number(t.toFixed(digits)) : Number(t.toPrecision(12));
}

/** A tick label that stays short for any number: 0.5, 250, 1.2e+5, 3e-7, 1e+300. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace('.0e', 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * Labels for a linear axis's `ticks`: each tick times `scale`, with as many decimals as the step
 * between ticks needs, so neighbours never read alike (a loss axis from 2.35 to 2.38 in steps of
 * 0.005 reads 2.35, 2.355, 2.36, 2.365, where three significant digits gave 2.35, 2.35, 2.36, 2.37). Values
 * formatTick writes in exponent form, and axes of fewer than two ticks, keep formatTick's label.
 */
export function tickFormatFor(ticks: readonly number[], scale = 1, suffix = ''): (v: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) * scale : NaN;
  const decimals = step > 0 && Number.isFinite(step) ? Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))) : null;
  return (v) => {
    const a = Math.abs(v * scale);
    if (decimals === null || !Number.isFinite(a) || (a !== 0 && (a >= 1e4 || a < 1e-3))) return `${formatTick(v * scale)}${suffix}`;
    return `${String(Number((v * scale).toFixed(decimals)))}${suffix}`;
  };
}
