/**
 * The learning-rate schedule of every planned config, computed from its config before any run
 * starts (buildLrSchedule is pure), one colour per config, with the active run's position
 * marked while it trains. Seeds share a schedule, so each config is drawn once.
 */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExperimentConfig } from '../../engine/config';
import { buildLrSchedule } from '../../engine/train/schedule';
import type { DatasetInfo } from '../../worker/protocol';
import { LIVE_COLORS } from '../colors';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from '../charts/ChartFrame';
import { plannedStepsPerEpoch, sampleSchedule } from '../runPlan';

export interface ScheduleChartProps {
  configs: readonly { key: string; label: string; color: string; config: ExperimentConfig }[];
  dataset: DatasetInfo | null;
  /** The active run's config key and step, while one trains. */
  live: { key: string; step: number } | null;
}

const formatLr = (v: number) => (v === 0 ? '0' : v >= 0.01 ? v.toFixed(3) : v.toExponential(1));

export function ScheduleChart({ configs, dataset, live }: ScheduleChartProps) {
  const lines = useMemo(() => {
    if (!dataset) return [];
    return configs.flatMap((c) => {
      try {
        const schedule = buildLrSchedule(c.config, plannedStepsPerEpoch(c.config, dataset));
        return [{ ...c, points: sampleSchedule(schedule.lr, schedule.totalSteps, 160) }];
      } catch {
        return [];
      }
    });
  }, [configs, dataset]);
  const liveColor = live ? configs.find((c) => c.key === live.key)?.color : undefined;
  const points = lines.reduce((n, l) => n + l.points.length, 0);
  return (
    <ChartFrame
      title="Planned learning-rate schedules"
      testId="lab-schedule-chart"
      points={points}
      empty="Plan some runs to see their schedules."
      footer={
        <>
          <ul className="series-legend">
            {lines.map((l) => (
              <li key={l.key}>
                <span className="swatch" style={{ background: l.color }} /> {l.label}
              </li>
            ))}
          </ul>
          {live ? (
            <p className="field-hint lab-position" data-testid="lab-schedule-position" data-step={live.step}>
              Running: {configs.find((c) => c.key === live.key)?.label ?? 'a run'}, step {live.step}
            </p>
          ) : null}
        </>
      }
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={[1, 'dataMax']} tick={AXIS_STYLE} allowDecimals={false} />
          <YAxis tick={AXIS_STYLE} tickFormatter={formatLr} width={48} />
          <Tooltip formatter={(v) => formatLr(Number(v))} labelFormatter={(s) => `step ${String(s)}`} />
          {lines.map((l) => (
            <Line key={l.key} data={l.points} dataKey="lr" name={l.label} stroke={l.color} dot={false} isAnimationActive={false} />
          ))}
          {live ? <ReferenceLine x={live.step} stroke={liveColor ?? LIVE_COLORS.marker} strokeWidth={2} strokeDasharray="4 2" ifOverflow="extendDomain" /> : null}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
