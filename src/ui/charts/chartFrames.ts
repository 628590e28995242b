/**
 * Each single-run chart's title, test id and empty-state text, in one place: the charts use them,
 * and so does the placeholder drawn while the charting code (its own chunk) loads.
 */
export const CHART_FRAMES = {
  lr: { title: 'Learning rate per step', testId: 'lr-chart', empty: 'Load a dataset to see the schedule.' },
  loss: { title: 'Training loss per logged step', testId: 'loss-chart', empty: 'No steps logged yet.' },
  accuracy: { title: 'Accuracy per epoch (%)', testId: 'accuracy-chart', empty: 'No epoch finished yet.' },
} as const;
