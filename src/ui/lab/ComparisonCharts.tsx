/**
 * Live comparison of every run in the lab: validation top-1 per epoch, training loss and
 * learning rate per logged step, overlaid, one colour per config; runs that differ only by
 * seed are drawn as their mean with a ±1 sd band. Legend entries toggle a config in all three
 * charts; the loss can be smoothed (bias-corrected EMA, as TensorBoard's slider).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { band, runSeries, type Metric } from '../../engine/lab/curves';
import type { LabRun } from '../../engine/lab/types';
import { formatTick, tickFormatFor } from '../charts/ticks';
import { PanelBoundary } from '../PanelBoundary';
import { CompareChart, type Series } from './CompareChart';

export interface ComparisonChartsProps {
  /** Config group keys in table order, with their labels and colours. */
  groups: readonly { key: string; label: string; color: string; runs: readonly LabRun[] }[];
  /** A chart placed in the same grid after the loss chart (the planned schedules). */
  schedule?: ReactNode;
}

const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
const loss = formatTick;
/** Axis labels with the decimals their step needs (close values would otherwise read alike). */
const pctTicks = (ticks: readonly number[]) => tickFormatFor(ticks, 100, '%');
const lossTicks = (ticks: readonly number[]) => tickFormatFor(ticks);
const lr = (v: number) => (v === 0 ? '0' : v >= 0.01 ? v.toFixed(3) : v.toExponential(1));

function seriesOf(groups: ComparisonChartsProps['groups'], metric: Metric, smoothing = 0): Series[] {
  return groups.map((g) => ({ key: g.key, label: g.label, color: g.color, points: band(g.runs.map((r) => runSeries(r, metric, smoothing))) }));
}

export function ComparisonCharts({ groups, schedule }: ComparisonChartsProps) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [smoothing, setSmoothing] = useState(0);
  const [logLoss, setLogLoss] = useState(false);
  const toggle = (key: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const acc = useMemo(() => seriesOf(groups, 'valTop1'), [groups]);
  const trainLoss = useMemo(() => seriesOf(groups, 'trainLoss', smoothing), [groups, smoothing]);
  const rate = useMemo(() => seriesOf(groups, 'lr'), [groups]);
  const smoother = (
    <label className="lab-smoothing">
      Smoothing{' '}
      <input type="range" min={0} max={0.95} step={0.05} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} data-testid="lab-smoothing" />{' '}
      {smoothing.toFixed(2)}
    </label>
  );
  const lossControls = (
    <>
      {smoother}
      <label className="lab-smoothing">
        <input type="checkbox" checked={logLoss} onChange={(e) => setLogLoss(e.target.checked)} data-testid="lab-loss-log-scale" /> log scale
      </label>
    </>
  );
  return (
    <section className="charts lab-charts" aria-label="Comparison">
      <PanelBoundary name="The accuracy chart">
        <CompareChart title="Validation top-1 per epoch" testId="lab-chart-accuracy" xLabel="epoch" series={acc} hidden={hidden} onToggle={toggle} format={pct} tickFormat={pctTicks} empty="No epochs yet." />
      </PanelBoundary>
      <PanelBoundary name="The loss chart">
        <CompareChart
          title="Training loss per step"
          testId="lab-chart-loss"
          xLabel="step"
          series={trainLoss}
          hidden={hidden}
          onToggle={toggle}
          format={loss}
          tickFormat={lossTicks}
          empty="No steps yet."
          controls={lossControls}
          logScale={logLoss}
        />
      </PanelBoundary>
      {schedule}
      <PanelBoundary name="The learning-rate chart">
        <CompareChart title="Learning rate per step (as trained)" testId="lab-chart-lr" xLabel="step" series={rate} hidden={hidden} onToggle={toggle} format={lr} empty="No steps yet." />
      </PanelBoundary>
    </section>
  );
}
