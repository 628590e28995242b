/**
 * The live charts: LR schedule with the run's position, training loss per logged step, and
 * train/validation accuracy per epoch. The App hands this panel *deferred* copies of the run's
 * events (useDeferredValue), so React redraws the charts in an interruptible background render
 * and a progress tick never becomes a long task on the main thread. Each chart has its own error
 * boundary: one that cannot be drawn leaves the others, the run and Download results working.
 */
import { memo, useMemo } from 'react';
import type { EpochEvent, StepEvent } from '../engine/events';
import { AccuracyChart } from './charts/AccuracyChart';
import { LossChart } from './charts/LossChart';
import { LrChart } from './charts/LrChart';
import { PanelBoundary } from './PanelBoundary';

export interface ChartsPanelProps {
  lrPoints: { step: number; lr: number }[];
  /** Whether to mark the run's current step on the LR chart. */
  showPosition: boolean;
  steps: StepEvent[];
  epochs: EpochEvent[];
  totalEpochs: number;
}

/** Beyond this many logged steps, every k-th is drawn (the results JSON keeps them all). */
const MAX_LOSS_POINTS = 400;

export const ChartsPanel = memo(function ChartsPanel({ lrPoints, showPosition, steps, epochs, totalEpochs }: ChartsPanelProps) {
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
        <LrChart points={lrPoints} currentStep={currentStep} />
      </PanelBoundary>
      <PanelBoundary name="The loss chart" resetKey={fresh}>
        <LossChart points={lossPoints} totalSteps={totalSteps} />
      </PanelBoundary>
      <PanelBoundary name="The accuracy chart" resetKey={fresh}>
        <AccuracyChart points={accuracyPoints} totalEpochs={totalEpochs} />
      </PanelBoundary>
    </section>
  );
});
