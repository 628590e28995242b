/**
 * The live charts: LR schedule with the run's position, training loss per logged step, and
 * train/validation accuracy per epoch. The App hands this panel *deferred* copies of the run's
 * events (useDeferredValue), so React redraws the charts in an interruptible background render
 * and a progress tick never becomes a long task on the main thread. Each chart has its own error
 * boundary: one that cannot be drawn leaves the others, the run and Download results working.
 */
import { lazy, memo, Suspense, useMemo } from 'react';
import type { EpochEvent, StepEvent } from '../engine/events';
import { ChartFrame } from './charts/ChartFrame';
import { CHART_FRAMES } from './charts/chartFrames';
import type { Series } from './charts/LiveSeries';
import type { PastRun } from './pastRuns';
import { PanelBoundary } from './PanelBoundary';

// The charting library is most of the page's code: the charts are their own chunk, loaded after
// the page is up (an empty frame stands in meanwhile), so parsing it is not part of the load.
const LrChart = lazy(() => import('./charts/LrChart').then((m) => ({ default: m.LrChart })));
const LossChart = lazy(() => import('./charts/LossChart').then((m) => ({ default: m.LossChart })));
const AccuracyChart = lazy(() => import('./charts/AccuracyChart').then((m) => ({ default: m.AccuracyChart })));

/** An empty chart frame with the chart's title, shown until the chart's code has loaded. */
const placeholder = (frame: (typeof CHART_FRAMES)[keyof typeof CHART_FRAMES], points: number) => (
  <ChartFrame {...frame} points={points}>
    {null}
  </ChartFrame>
);

export interface ChartsPanelProps {
  lrPoints: { step: number; lr: number }[];
  /** Whether to mark the run's current step on the LR chart. */
  showPosition: boolean;
  steps: StepEvent[];
  epochs: EpochEvent[];
  totalEpochs: number;
  /** Earlier finished runs, drawn faded on the loss and accuracy charts (hidden ones left out). */
  pastRuns?: readonly PastRun[];
}

const NO_RUNS: readonly PastRun[] = [];

/** Beyond this many logged steps, every k-th is drawn (the results JSON keeps them all). */
const MAX_LOSS_POINTS = 400;

export const ChartsPanel = memo(function ChartsPanel({ lrPoints, showPosition, steps, epochs, totalEpochs, pastRuns = NO_RUNS }: ChartsPanelProps) {
  const shown = useMemo(() => pastRuns.filter((r) => !r.hidden), [pastRuns]);
  const lossOverlays = useMemo<Series[]>(() => shown.map((r) => ({ id: `past-${r.id}`, label: r.label, color: r.color, faded: true, points: r.loss })), [shown]);
  const accuracyOverlays = useMemo<Series[]>(() => shown.map((r) => ({ id: `past-${r.id}`, label: `${r.label} (validation)`, color: r.color, faded: true, points: r.val })), [shown]);
  const lossPoints = useMemo(() => {
    const every = Math.ceil(steps.length / MAX_LOSS_POINTS);
    return steps.filter((_, i) => i % every === 0 || i === steps.length - 1).map((s) => ({ step: s.step, loss: s.loss }));
  }, [steps]);
  const accuracyPoints = useMemo(() => epochs.map((e) => ({ epoch: e.epoch, train: 100 * e.trainAccuracy, val: 100 * e.valTop1 })), [epochs]);
  // The loss chart's x axis follows the planned schedule (the run's own during a run), so it is
  // already right when Start is clicked and the chart is not rebuilt as the run begins.
  const totalSteps = lrPoints.length > 0 ? lrPoints[lrPoints.length - 1].step : steps.length > 0 ? steps[steps.length - 1].totalSteps : null;
  // A chart that failed is drawn again when the next run starts (its steps are cleared).
  const fresh = steps.length === 0;
  const currentStep = showPosition && steps.length > 0 ? steps[steps.length - 1].step : null;
  return (
    <section className="charts" aria-label="Charts">
      <PanelBoundary name="The learning-rate chart" resetKey={fresh}>
        <Suspense fallback={placeholder(CHART_FRAMES.lr, lrPoints.length)}>
          <LrChart points={lrPoints} currentStep={currentStep} />
        </Suspense>
      </PanelBoundary>
      <PanelBoundary name="The loss chart" resetKey={fresh}>
        <Suspense fallback={placeholder(CHART_FRAMES.loss, lossPoints.length)}>
          <LossChart points={lossPoints} totalSteps={totalSteps} overlays={lossOverlays} />
        </Suspense>
      </PanelBoundary>
      <PanelBoundary name="The accuracy chart" resetKey={fresh}>
        <Suspense fallback={placeholder(CHART_FRAMES.accuracy, accuracyPoints.length)}>
          <AccuracyChart points={accuracyPoints} totalEpochs={totalEpochs} overlays={accuracyOverlays} />
        </Suspense>
      </PanelBoundary>
    </section>
  );
});
