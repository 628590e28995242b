/**
 * Paired Δ of final top-1 against the reference, one bar per config in points, with its 95%
 * interval as an error bar. A bar whose interval excludes 0 is solid (green up, red down) and
 * its label starred; one whose interval includes 0, or that has a single seed pair, is pale.
 */
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { GroupSummary } from '../../engine/lab/summary';
import { AXIS_STYLE, ChartFrame } from '../charts/ChartFrame';

export interface DeltaChartProps {
  rows: readonly GroupSummary[];
}

interface DeltaBar {
  label: string;
  delta: number;
  /** [below, above] the mean, in points; [0, 0] without an interval. */
  error: [number, number];
  clear: boolean;
  n: number;
}

/** Bars grow from 0, so the axis always includes it. */
const ZERO_INCLUDED: [(min: number) => number, (max: number) => number] = [(min) => Math.min(0, Math.floor(min)), (max) => Math.max(0, Math.ceil(max))];

/** The chart's bars: every non-reference config with a Δ. */
export function deltaBars(rows: readonly GroupSummary[]): DeltaBar[] {
  return rows.flatMap((r) => {
    const d = r.delta;
    // A non-finite Δ (an imported file's impossible accuracy) has no bar to draw.
    if (r.isReference || !d || !Number.isFinite(d.mean)) return [];
    const mean = 100 * d.mean;
    const error: [number, number] = d.low === null || d.high === null || !Number.isFinite(d.low) || !Number.isFinite(d.high) ? [0, 0] : [mean - 100 * d.low, 100 * d.high - mean];
    return [{ label: d.excludesZero ? `${r.label} ✱` : r.label, delta: mean, error, clear: d.excludesZero, n: d.n }];
  });
}

const colour = (d: DeltaBar) => (d.delta >= 0 ? (d.clear ? '#15803d' : '#86efac') : d.clear ? '#b91c1c' : '#fca5a5');

export function DeltaChart({ rows }: DeltaChartProps) {
  const data = deltaBars(rows);
  return (
    <ChartFrame title="Δ top-1 against the reference (points, 95% CI; ✱ excludes 0)" testId="lab-delta-chart" points={data.length} empty="Δ appears when a config and the reference have finished a seed.">
      <ResponsiveContainer width="100%" height={Math.max(120, 28 * data.length + 40)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS_STYLE} tickFormatter={(v: number) => v.toFixed(1)} domain={ZERO_INCLUDED} />
          <YAxis type="category" dataKey="label" tick={AXIS_STYLE} width={170} />
          <Tooltip
            formatter={(v, _name, item) => {
              const bar = (item as { payload?: DeltaBar }).payload;
              const mean = Number(v);
              const ci = bar && bar.n > 1 ? ` [${(mean - bar.error[0]).toFixed(2)}, ${(mean + bar.error[1]).toFixed(2)}], n=${bar.n}` : ' (1 seed: no interval)';
              return `${mean >= 0 ? '+' : ''}${mean.toFixed(2)} points${ci}`;
            }}
          />
          <ReferenceLine x={0} stroke="#6b7280" />
          <Bar dataKey="delta" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.label} fill={colour(d)} />
            ))}
            <ErrorBar dataKey="error" direction="x" width={6} stroke="#111827" strokeWidth={1.2} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
