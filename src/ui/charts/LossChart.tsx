/** Training loss per logged step (each point is the mean loss since the previous log). */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';

export interface LossChartProps {
  points: { step: number; loss: number }[];
}

export function LossChart({ points }: LossChartProps) {
  return (
    <ChartFrame title="Training loss per logged step" testId="loss-chart" points={points.length} empty="No steps logged yet.">
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis tick={AXIS_STYLE} width={40} domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip formatter={(v) => Number(v).toFixed(4)} labelFormatter={(s) => `step ${s}`} />
          <Line type="linear" dataKey="loss" stroke="#9333ea" dot={points.length < 30} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
