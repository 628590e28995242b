/** Δ of mean final top-1 against the reference, one bar per config (green up, red down), in points. */
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { GroupSummary } from '../../engine/lab/summary';
import { AXIS_STYLE, ChartFrame } from '../charts/ChartFrame';

export interface DeltaChartProps {
  rows: readonly GroupSummary[];
}

/** Bars grow from 0, so the axis always includes it. */
const ZERO_INCLUDED: [(min: number) => number, (max: number) => number] = [(min) => Math.min(0, Math.floor(min)), (max) => Math.max(0, Math.ceil(max))];

export function DeltaChart({ rows }: DeltaChartProps) {
  const data = rows.filter((r) => !r.isReference && r.deltaTop1 !== null && Number.isFinite(r.deltaTop1)).map((r) => ({ label: r.label, delta: 100 * (r.deltaTop1 as number) }));
  return (
    <ChartFrame title="Δ top-1 against the reference (points)" testId="lab-delta-chart" points={data.length} empty="Δ appears when a config and the reference have finished.">
      <ResponsiveContainer width="100%" height={Math.max(120, 28 * data.length + 40)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS_STYLE} tickFormatter={(v: number) => v.toFixed(1)} domain={ZERO_INCLUDED} />
          <YAxis type="category" dataKey="label" tick={AXIS_STYLE} width={150} />
          <Tooltip formatter={(v) => `${Number(v) >= 0 ? '+' : ''}${Number(v).toFixed(2)} points`} />
          <ReferenceLine x={0} stroke="#6b7280" />
          <Bar dataKey="delta" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.label} fill={d.delta >= 0 ? '#15803d' : '#b91c1c'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
