/**
 * Training and validation (top-1) accuracy per epoch, in percent. Fixed axes (epochs 1..N,
 * 0-100 %) with the lines drawn by a LiveSeriesLayer, so an epoch's point does not redraw the
 * chart; each dot carries its value as a tooltip.
 */
import { useMemo } from 'react';
import { CartesianGrid, LineChart, ResponsiveContainer, XAxis, YAxis, type AxisDomain } from 'recharts';
import { LIVE_COLORS } from '../colors';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from './ChartFrame';
import { CHART_FRAMES } from './chartFrames';
import { LiveSeriesContext, LiveSeriesLayer, SeriesLegend, type Series, type SeriesPoint } from './LiveSeries';

export interface AccuracyChartProps {
  points: { epoch: number; train: number; val: number }[];
  totalEpochs: number;
  /** Earlier runs' validation top-1, drawn faded behind this run. */
  overlays?: readonly Series[];
}

const Y_DOMAIN: AxisDomain = [0, 100];
const Y_TICKS = [0, 25, 50, 75, 100];
const TRAIN = { id: 'train', label: 'train', color: LIVE_COLORS.train };
const VAL = { id: 'val', label: 'validation (top-1)', color: LIVE_COLORS.val };
const LEGEND = <SeriesLegend series={[TRAIN, VAL]} />;
const describe = (label: string) => (p: SeriesPoint) => `${label}, epoch ${p.x}: ${p.y.toFixed(1)}%`;

const NO_OVERLAYS: readonly Series[] = [];

export function AccuracyChart({ points, totalEpochs, overlays = NO_OVERLAYS }: AccuracyChartProps) {
  const lastEpoch = Math.max(1, totalEpochs);
  const chart = useMemo(() => {
    // One epoch still gets a visible x range, with its point in the middle.
    const xDomain: AxisDomain = lastEpoch > 1 ? [1, lastEpoch] : [0, 2];
    // Every epoch gets its tick while they fit; beyond that Recharts picks round ones.
    const xTicks = lastEpoch <= 12 ? Array.from({ length: lastEpoch }, (_, i) => i + 1) : undefined;
    return (
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={xDomain} ticks={xTicks} allowDataOverflow tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis type="number" domain={Y_DOMAIN} ticks={Y_TICKS} allowDataOverflow tick={AXIS_STYLE} width={40} />
          <LiveSeriesLayer />
        </LineChart>
      </ResponsiveContainer>
    );
  }, [lastEpoch]);
  const series = useMemo<Series[]>(
    () => [
      ...overlays,
      { ...TRAIN, dots: true, describe: describe(TRAIN.label), points: points.map((p) => ({ x: p.epoch, y: p.train })) },
      { ...VAL, dots: true, describe: describe(VAL.label), points: points.map((p) => ({ x: p.epoch, y: p.val })) },
    ],
    [points, overlays],
  );
  return (
    <ChartFrame {...CHART_FRAMES.accuracy} points={points.length} footer={LEGEND}>
      <LiveSeriesContext.Provider value={series}>{chart}</LiveSeriesContext.Provider>
    </ChartFrame>
  );
}
