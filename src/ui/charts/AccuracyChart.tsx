/** Training and validation (top-1) accuracy per epoch, in percent. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';

export interface AccuracyChartProps {
  points: { epoch: number; train: number; val: number }[];
  totalEpochs: number;
}

export function AccuracyChart({ points, totalEpochs }: AccuracyChartProps) {
  return (
    <ChartFrame title="Accuracy per epoch (%)" testId="accuracy-chart" points={points.length} empty="No epoch finished yet.">
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" type="number" domain={[1, Math.max(1, totalEpochs)]} tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis tick={AXIS_STYLE} width={40} domain={[0, 100]} />
          <Tooltip formatter={(v) => `${Number(v).toFixed(1)}%`} labelFormatter={(e) => `epoch ${e}`} />
          <Legend wrapperStyle={AXIS_STYLE} />
          <Line type="linear" dataKey="train" name="train" stroke="#16a34a" dot isAnimationActive={false} />
          <Line type="linear" dataKey="val" name="validation (top-1)" stroke="#ea580c" dot isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
