/**
 * Lines that grow while a run trains, drawn inside a Recharts chart with the chart's own
 * scales (useXAxisScale / useYAxisScale). The chart itself (axes with fixed domains, grid) is
 * built once and memoised; new points reach this layer through a context, so a training step
 * redraws a few <path> elements instead of the whole chart. A Recharts data update costs tens
 * of milliseconds of main-thread time, which on a busy machine becomes a long task.
 */
import { createContext, useContext } from 'react';
import { useXAxisScale, useYAxisScale } from 'recharts';

export interface SeriesPoint {
  x: number;
  y: number;
}

export interface Series {
  id: string;
  label: string;
  color: string;
  points: readonly SeriesPoint[];
  /** Draw a dot per point (each with a native tooltip), for sparse series such as epochs. */
  dots?: boolean;
  /** Formats a point for its dot's tooltip. */
  describe?: (p: SeriesPoint) => string;
  /** An earlier run drawn behind the live one: thin, translucent, its label as the line's tooltip. */
  faded?: boolean;
}

export const LiveSeriesContext = createContext<readonly Series[]>([]);

/** Renders the context's series; place it as a child of a Recharts cartesian chart. */
export function LiveSeriesLayer() {
  const series = useContext(LiveSeriesContext);
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  if (!xScale || !yScale) return null;
  const at = (p: SeriesPoint) => `${xScale(p.x) ?? 0},${yScale(p.y) ?? 0}`;
  return (
    <g className="live-series">
      {series.map((s) => (
        <g key={s.id} data-series={s.id}>
          {s.points.length > 1 ? (
            <path d={s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p)}`).join('')} fill="none" stroke={s.color} strokeWidth={s.faded ? 1.25 : 1.5} strokeOpacity={s.faded ? 0.45 : 1}>
              {s.faded ? <title>{s.label}</title> : null}
            </path>
          ) : null}
          {s.faded && s.points.length === 1 ? (
            <circle cx={xScale(s.points[0].x)} cy={yScale(s.points[0].y)} r={3} fill={s.color} fillOpacity={0.45}>
              <title>{s.label}</title>
            </circle>
          ) : null}
          {s.dots && !s.faded
            ? s.points.map((p) => (
                <circle key={p.x} cx={xScale(p.x)} cy={yScale(p.y)} r={3.5} style={{ fill: 'var(--surface)' }} stroke={s.color} strokeWidth={1.5}>
                  <title>{s.describe ? s.describe(p) : `${s.label}: ${p.y}`}</title>
                </circle>
              ))
            : null}
        </g>
      ))}
    </g>
  );
}

/** A small HTML legend for live series (Recharts' Legend only knows its own Line elements). */
export function SeriesLegend({ series }: { series: readonly Pick<Series, 'id' | 'label' | 'color'>[] }) {
  return (
    <ul className="series-legend">
      {series.map((s) => (
        <li key={s.id}>
          <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.label}
        </li>
      ))}
    </ul>
  );
}
