/**
 * The learning rate per step, drawn from the schedule before training starts (buildLrSchedule
 * is pure), with a marker at the run's current step.
 */
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';

export interface LrChartProps {
  points: { step: number; lr: number }[];
  currentStep: number | null;
}

const formatLr = (v: number) => (v === 0 ? '0' : v >= 0.01 ? v.toFixed(3) : v.toExponential(1));

export function LrChart({ points, currentStep }: LrChartProps) {
  return (
    <ChartFrame title="Learning rate per step" testId="lr-chart" points={points.length} empty="Load a dataset to see the schedule.">
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={[1, 'dataMax']} tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis tick={AXIS_STYLE} tickFormatter={formatLr} width={48} />
          <Tooltip formatter={(v) => formatLr(Number(v))} labelFormatter={(s) => `step ${s}`} />
          <Line type="linear" dataKey="lr" stroke="#2563eb" dot={false} isAnimationActive={false} />
          {currentStep !== null ? <ReferenceLine x={currentStep} stroke="#dc2626" strokeWidth={2} /> : null}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
