/**
 * One overlaid comparison chart: a line per config (the mean over its seeds) with a shaded
 * band of ±1 standard deviation when it has several, one colour per config, values on hover,
 * a legend whose entries toggle their series, and a button that saves the chart as SVG. The y
 * axis has a bounded number of nice ticks for any values (a diverged run's 1e300 loss included);
 * non-finite values are not drawn.
 */
import { useMemo, useRef, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BandPoint } from '../../engine/lab/curves';
import { AXIS_STYLE, CHART_HEIGHT, ChartFrame, MARGIN } from '../charts/ChartFrame';
import { linearAxis, logAxis } from '../charts/ticks';
import { chartSvg, downloadText, fileSlug } from './downloads';

export interface Series {
  key: string;
  label: string;
  color: string;
  points: BandPoint[];
}

export interface CompareChartProps {
  title: string;
  testId: string;
  xLabel: string;
  series: readonly Series[];
  hidden: ReadonlySet<string>;
  onToggle: (key: string) => void;
  /** A value as the tooltip (and, without tickFormat, the y axis) writes it. */
  format: (v: number) => string;
  /** The y axis's labels, made for its ticks (on a linear axis): enough decimals that neighbours differ. */
  tickFormat?: (ticks: readonly number[]) => (v: number) => string;
  empty: string;
  /** Extra controls beside the legend (e.g. smoothing). */
  controls?: ReactNode;
  /** A log10 y axis (non-positive values are not drawn). */
  logScale?: boolean;
}

type Row = Record<string, number | [number, number]>;

/** Rows keyed by x with `m<i>` (mean) and `b<i>` ([low, high]) per series. */
function mergeRows(series: readonly Series[], logScale: boolean): Row[] {
  const rows = new Map<number, Row>();
  const drawable = (v: number) => Number.isFinite(v) && (!logScale || v > 0);
  series.forEach((s, i) => {
    for (const p of s.points) {
      if (!drawable(p.mean)) continue;
      const row = rows.get(p.x) ?? { x: p.x };
      row[`m${i}`] = p.mean;
      if (p.n > 1 && drawable(p.low) && drawable(p.high)) row[`b${i}`] = [p.low, p.high];
      rows.set(p.x, row);
    }
  });
  return [...rows.values()].sort((a, b) => (a.x as number) - (b.x as number));
}

export function CompareChart({ title, testId, xLabel, series, hidden, onToggle, format, tickFormat, empty, controls, logScale = false }: CompareChartProps) {
  const frame = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => mergeRows(series, logScale), [series, logScale]);
  const axis = useMemo(() => {
    const shown = series.map((s, i) => (hidden.has(s.key) ? null : i)).filter((i) => i !== null);
    const values = rows.flatMap((r) => shown.flatMap((i) => [r[`m${i}`], r[`b${i}`]].flat().filter((v) => v !== undefined)));
    return logScale ? logAxis(values) : linearAxis(values);
  }, [rows, series, hidden, logScale]);
  const tickLabel = useMemo(() => (tickFormat && !logScale ? tickFormat(axis.ticks) : format), [tickFormat, logScale, axis, format]);
  const names = useMemo(() => new Map<string, string>(series.flatMap((s, i) => [[`m${i}`, s.label] as const, [`b${i}`, `${s.label} ±1 sd`] as const])), [series]);
  const points = series.reduce((n, s) => n + s.points.length, 0);
  const saveSvg = () => {
    const svg = frame.current ? chartSvg(frame.current) : null;
    if (svg) downloadText(svg, `${fileSlug(title)}.svg`, 'image/svg+xml');
  };
  const footer = (
    <div className="lab-legend-row">
      <ul className="series-legend lab-legend" aria-label={`${title}: show or hide configs`}>
        {series.map((s) => (
          <li key={s.key}>
            <button type="button" className="lab-legend-item" aria-pressed={!hidden.has(s.key)} onClick={() => onToggle(s.key)}>
              <span className="swatch" style={{ background: hidden.has(s.key) ? 'var(--border-strong)' : s.color }} /> {s.label}
            </button>
          </li>
        ))}
      </ul>
      {controls}
      <button type="button" className="lab-svg" onClick={saveSvg} disabled={points === 0} aria-label={`Save ${title} as SVG`} data-testid={`${testId}-svg`}>
        SVG
      </button>
    </div>
  );
  return (
    <div ref={frame}>
      <ChartFrame title={title} testId={testId} points={points} empty={empty} footer={footer}>
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <ComposedChart data={rows} margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tick={AXIS_STYLE} allowDecimals={false} />
            <YAxis tick={AXIS_STYLE} tickFormatter={tickLabel} width={48} type="number" scale={logScale ? 'log' : 'linear'} domain={axis.domain} ticks={axis.ticks} allowDataOverflow />
            <Tooltip
              labelFormatter={(x) => `${xLabel} ${String(x)}`}
              formatter={(v, name) => [Array.isArray(v) ? `${format(Number(v[0]))} – ${format(Number(v[1]))}` : format(Number(v)), names.get(String(name)) ?? String(name)]}
            />
            {series.map((s, i) =>
              hidden.has(s.key) ? null : (
                <Area key={`b${s.key}`} dataKey={`b${i}`} stroke="none" fill={s.color} fillOpacity={0.15} dot={false} activeDot={false} isAnimationActive={false} connectNulls />
              ),
            )}
            {series.map((s, i) =>
              hidden.has(s.key) ? null : <Line key={`m${s.key}`} dataKey={`m${i}`} stroke={s.color} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />,
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </ChartFrame>
    </div>
  );
}
