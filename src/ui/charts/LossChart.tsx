/**
 * Training loss per logged step (each point is the mean loss since the previous log). The
 * axes are fixed for the run (x spans all its steps; y is 0-3 unless a loss goes higher) and
 * the line is a LiveSeriesLayer, so a new point does not redraw the chart.
 */
import { useMemo } from 'react';
import { CartesianGrid, LineChart, ResponsiveContainer, XAxis, YAxis, type AxisDomain } from 'recharts';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';
import { LiveSeriesContext, LiveSeriesLayer, type Series } from './LiveSeries';

export interface LossChartProps {
  points: { step: number; loss: number }[];
  /** Steps in the run (the x axis spans them all), or null when unknown. */
  totalSteps: number | null;
}

const formatTick = (v: number) => v.toFixed(1);

export function LossChart({ points, totalSteps }: LossChartProps) {
  const lastStep = Math.max(2, totalSteps ?? (points.length > 0 ? points[points.length - 1].step : 2));
  // 3 fits the first losses of a 10-class run (ln 10 ≈ 2.3, plus early noise), so new points
  // rarely move the axis (which would rebuild the chart).
  const top = Math.ceil(2 * Math.max(3, ...points.map((p) => p.loss).filter(Number.isFinite))) / 2;
  const chart = useMemo(() => {
    const xDomain: AxisDomain = [1, lastStep];
    const yDomain: AxisDomain = [0, top];
    const yTicks = Array.from({ length: Math.round(top / 0.5) + 1 }, (_, i) => i * 0.5).filter((_, i, all) => all.length <= 7 || i % 2 === 0);
    return (
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={xDomain} allowDataOverflow tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis type="number" domain={yDomain} ticks={yTicks} allowDataOverflow tick={AXIS_STYLE} width={40} tickFormatter={formatTick} />
          <LiveSeriesLayer />
        </LineChart>
      </ResponsiveContainer>
    );
  }, [lastStep, top]);
  const series = useMemo<Series[]>(
    () => [{ id: 'loss', label: 'training loss', color: '#9333ea', points: points.filter((p) => Number.isFinite(p.loss)).map((p) => ({ x: p.step, y: p.loss })) }],
    [points],
  );
  return (
    <ChartFrame title="Training loss per logged step" testId="loss-chart" points={points.length} empty="No steps logged yet.">
      <LiveSeriesContext.Provider value={series}>{chart}</LiveSeriesContext.Provider>
    </ChartFrame>
  );
}
