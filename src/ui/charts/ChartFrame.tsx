/** A titled box for one chart; `points` is exposed as data-points for tests and screen readers. */
import { startTransition, useEffect, useState, type ReactNode } from 'react';

export interface ChartFrameProps {
  title: string;
  testId: string;
  points: number;
  /** Shown over the (empty) chart while there is nothing to draw. */
  empty: string;
  children: ReactNode;
  /** Below the plot, e.g. a legend. */
  footer?: ReactNode;
}

export function ChartFrame({ title, testId, points, empty, children, footer }: ChartFrameProps) {
  // The plot mounts after the page's first paint, in a background render of its own: mounting
  // the three charts with the page made its first render one long task.
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setMounted(true)), 0);
    return () => clearTimeout(timer);
  }, []);
  return (
    <figure className="chart" data-testid={testId} data-points={points}>
      <figcaption>{title}</figcaption>
      {/* The chart stays mounted while empty: mounting one mid-run would be a long task. */}
      <div className="chart-body">
        {mounted ? children : null}
        {points === 0 ? <p className="chart-empty">{empty}</p> : null}
      </div>
      {footer}
    </figure>
  );
}

/** Shared look. */
export const CHART_HEIGHT = 220;
export const AXIS_STYLE = { fontSize: 11 };
export const MARGIN = { top: 8, right: 16, bottom: 4, left: 4 };
