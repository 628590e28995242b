/**
 * Training loss per logged step (each point is the mean loss since the previous log). The
 * axes are fixed for the run (x spans all its steps; y is 0-3 unless a loss goes higher) and
 * the line is a LiveSeriesLayer, so a new point does not redraw the chart. The y axis has a
 * bounded number of nice ticks for any loss (ticks.ts), and a log scale for losses that grow
 * by orders of magnitude before a run diverges.
 */
import { useMemo, useState } from 'react';
import { CartesianGrid, LineChart, ResponsiveContainer, XAxis, YAxis, type AxisDomain } from 'recharts';
import { LIVE_COLORS } from '../colors';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';
import { CHART_FRAMES } from './chartFrames';
import { LiveSeriesContext, LiveSeriesLayer, type Series } from './LiveSeries';
import { formatTick, linearAxis, logAxis } from './ticks';

export interface LossChartProps {
  points: { step: number; loss: number }[];
  /** Steps in the run (the x axis spans them all), or null when unknown. */
  totalSteps: number | null;
  /** Earlier runs, drawn faded behind this one. */
  overlays?: readonly Series[];
}

/** 0 and 3 are always on the linear axis: 3 fits the first losses of a 10-class run (ln 10 ≈ 2.3). */
const LINEAR_INCLUDES = [0, 3];

const NO_OVERLAYS: readonly Series[] = [];

export function LossChart({ points, totalSteps, overlays = NO_OVERLAYS }: LossChartProps) {
  const [log, setLog] = useState(false);
  const lastStep = Math.max(2, totalSteps ?? (points.length > 0 ? points[points.length - 1].step : 2));
  // Drawn points: finite ones (NaN and Infinity end a run as diverged), positive ones on a log axis.
  const drawn = useMemo(() => points.filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0)), [points, log]);
  const axis = useMemo(() => (log ? logAxis(drawn.map((p) => p.loss)) : linearAxis(drawn.map((p) => p.loss), LINEAR_INCLUDES)), [drawn, log]);
  // The chart is rebuilt only when the axis changes (new points rarely move it).
  const [low, high] = axis.domain;
  const tickKey = axis.ticks.join(',');
  const chart = useMemo(() => {
    const xDomain: AxisDomain = [1, lastStep];
    const ticks = tickKey.split(',').map(Number);
    return (
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={xDomain} allowDataOverflow tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis type="number" scale={log ? 'log' : 'linear'} domain={[low, high]} ticks={ticks} allowDataOverflow tick={AXIS_STYLE} width={48} tickFormatter={formatTick} />
          <LiveSeriesLayer />
        </LineChart>
      </ResponsiveContainer>
    );
  }, [lastStep, low, high, tickKey, log]);
  const series = useMemo<Series[]>(
    () => [
      ...overlays.map((o) => ({ ...o, points: o.points.filter((p) => !log || p.y > 0) })),
      { id: 'loss', label: 'training loss', color: LIVE_COLORS.loss, points: drawn.map((p) => ({ x: p.step, y: p.loss })) },
    ],
    [drawn, overlays, log],
  );
  const scaleToggle = (
    <label className="chart-option">
      <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="loss-log-scale" /> log scale
    </label>
  );
  return (
    <ChartFrame {...CHART_FRAMES.loss} points={points.length} footer={scaleToggle}>
      <LiveSeriesContext.Provider value={series}>{chart}</LiveSeriesContext.Provider>
    </ChartFrame>
  );
}
