/** A titled box for one chart; `points` is exposed as data-points for tests and screen readers. */
import type { ReactNode } from 'react';

export interface ChartFrameProps {
  title: string;
  testId: string;
  points: number;
  /** Shown instead of the chart while there is nothing to draw. */
  empty: string;
  children: ReactNode;
}

export function ChartFrame({ title, testId, points, empty, children }: ChartFrameProps) {
  return (
    <figure className="chart" data-testid={testId} data-points={points}>
      <figcaption>{title}</figcaption>
      {points > 0 ? children : <p className="chart-empty">{empty}</p>}
    </figure>
  );
}

/** Shared look: no animation (a re-render must stay cheap while training). */
export const CHART_HEIGHT = 190;
export const AXIS_STYLE = { fontSize: 11 };
export const MARGIN = { top: 8, right: 16, bottom: 4, left: 4 };
