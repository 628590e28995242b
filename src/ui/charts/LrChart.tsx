/**
 * The learning rate per step, drawn from the schedule before training starts (buildLrSchedule
 * is pure), with a marker at the run's current step. The curve is built once per schedule and
 * memoised; the marker reads the step from a context and places itself with the chart's own
 * x scale, so a training step moves one <line> and redraws nothing else.
 */
import { createContext, useContext, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, usePlotArea, useXAxisScale, type AxisDomain } from 'recharts';
import { LIVE_COLORS } from '../colors';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';
import { CHART_FRAMES } from './chartFrames';

export interface LrChartProps {
  points: { step: number; lr: number }[];
  currentStep: number | null;
}

const X_DOMAIN: AxisDomain = [1, 'dataMax'];
const formatLr = (v: number) => (v === 0 ? '0' : v >= 0.01 ? v.toFixed(3) : v.toExponential(1));
const formatValue = (v: unknown) => formatLr(Number(v));
const formatLabel = (s: unknown) => `step ${String(s)}`;

const CurrentStepContext = createContext<number | null>(null);

/** A vertical line at the current step, inside the chart's plot area. */
function StepMarker() {
  const step = useContext(CurrentStepContext);
  const xScale = useXAxisScale();
  const plot = usePlotArea();
  if (step === null || !xScale || !plot) return null;
  const x = xScale(step);
  if (x === undefined) return null;
  return <line x1={x} x2={x} y1={plot.y} y2={plot.y + plot.height} stroke={LIVE_COLORS.marker} strokeWidth={2} data-testid="lr-marker" data-step={step} />;
}

export function LrChart({ points, currentStep }: LrChartProps) {
  const chart = useMemo(
    () => (
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={X_DOMAIN} tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis tick={AXIS_STYLE} tickFormatter={formatLr} width={48} />
          <Tooltip formatter={formatValue} labelFormatter={formatLabel} />
          <Line type="linear" dataKey="lr" stroke={LIVE_COLORS.lr} dot={false} isAnimationActive={false} />
          <StepMarker />
        </LineChart>
      </ResponsiveContainer>
    ),
    [points],
  );
  return (
    <ChartFrame {...CHART_FRAMES.lr} points={points.length}>
      <CurrentStepContext.Provider value={currentStep}>{chart}</CurrentStepContext.Provider>
    </ChartFrame>
  );
}
