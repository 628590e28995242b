/**
 * Trick Lab's page: choose data and settings, train a CIFAR ResNet in the training worker, watch
 * the learning rate, loss and accuracy live, and download the run's results JSON. The engine
 * is reached only through the worker (see trainingClient.ts and useTraining.ts).
 */
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { BackendName, ExperimentConfig } from '../engine/config';
import { makeConfig } from '../engine/config';
import { SYNTHETIC_DEFAULT } from '../engine/data/synthetic';
import { ChartsPanel } from './ChartsPanel';
import { ConfigFileInput } from './ConfigFileInput';
import { ConfigForm } from './ConfigForm';
import { DatasetChooser } from './DatasetChooser';
import { DatasetDownloader } from './DatasetDownloader';
import { clientLoaders } from './useDatasetDownload';
import { LeversPanel } from './LeversPanel';
import { PanelBoundary } from './PanelBoundary';
import { PresetPicker } from './PresetPicker';
import { downloadJson } from './downloadJson';
import { RunControls } from './RunControls';
import { RunProgress } from './RunProgress';
import { plannedStepsPerEpoch } from './runPlan';
import type { TrainingClient } from '../client/trainingClient';
import { TrickPanel } from './TrickPanel';
import { useLrSchedulePoints } from './useLrSchedule';
import { useConfigLink } from './useConfigLink';
import { RunEstimate } from './RunEstimate';
import { readThroughput, recordThroughput } from './runThroughput';
import { throughputSample } from '../engine/lab/estimate';
import { useTraining } from './useTraining';
import { baselineSummary } from './baselineSummary';
import { addPastRun, pastRunOf, type PastRun } from './pastRuns';
import { PastRunsPanel } from './PastRunsPanel';
import { readPastRuns, writePastRuns } from './pastRunStore';
import type { Plan } from '../engine/lab/plan';

// The settings panels skip re-rendering on progress ticks (their props do not change).
const MemoDatasetChooser = memo(DatasetChooser);
const MemoDatasetDownloader = memo(DatasetDownloader);
const MemoPresetPicker = memo(PresetPicker);
const MemoLeversPanel = memo(LeversPanel);
/** Levers the run settings already offer. */
const LEVERS_IN_CONFIG_FORM = ['depth', 'width', 'resolution'];
const MemoConfigForm = memo(ConfigForm);
const MemoTrickPanel = memo(TrickPanel);

export interface AppProps {
  client: TrainingClient;
  backend: 'auto' | BackendName;
  /** The view is shown: the address bar then carries this setup (useConfigLink). */
  active?: boolean;
  /** The config the page was opened with (`#config=…`); the defaults when absent. */
  initialConfig?: ExperimentConfig | null;
  /** Why the page's `#config=` link could not be read. */
  linkProblem?: string | null;
  /** Opens the lab with a plan (the earlier runs, "Compare in the lab"). */
  onSendToLab?: (plan: Plan) => void;
}

export function App({ client, backend, active = true, initialConfig = null, linkProblem = null, onSendToLab }: AppProps) {
  const state = useTraining(client);
  const [config, setConfig] = useState<ExperimentConfig>(() => initialConfig ?? makeConfig({ run: { backend } }));
  const link = useConfigLink(config, active);
  const { phase, dataset, steps, epochs, result } = state;
  // This device's measured rates, for the time shown before Start; a finished run adds its own.
  const [samples, setSamples] = useState(readThroughput);
  const recorded = useRef<unknown>(null);
  useEffect(() => {
    const sample = result ? throughputSample(result) : null;
    if (!result || !sample || recorded.current === result) return;
    recorded.current = result;
    setSamples(recordThroughput(sample));
  }, [result]);
  // Each finished run stays on the charts, faded, for the next ones to be compared against; the
  // list is kept in this browser, so a reload keeps them (pastRunStore.ts).
  const [pastRuns, setPastRuns] = useState<PastRun[]>(() => readPastRuns());
  useEffect(() => void writePastRuns(pastRuns), [pastRuns]);
  const runId = state.runId;
  // Adjusted while rendering when a new result arrives (React's pattern for state derived from a prop change).
  const [seenResult, setSeenResult] = useState(result);
  if (result !== seenResult) {
    setSeenResult(result);
    if (result?.status === 'finished' && runId !== null) setPastRuns((runs) => addPastRun(runs, pastRunOf(runId, result, runs)));
  }
  // The page's own run (live or just finished) is drawn as the live line: only earlier ones go behind it.
  const chartRuns = useMemo(() => pastRuns.filter((r) => r.id !== runId), [pastRuns, runId]);
  const live = phase === 'starting' || phase === 'running' || phase === 'paused' || phase === 'stopping';
  const lastStep = steps.length > 0 ? steps[steps.length - 1] : null;
  const lastEpoch = epochs.length > 0 ? epochs[epochs.length - 1] : null;

  const planConfig = live && state.runConfig ? state.runConfig : config;
  const planSteps = live && lastStep ? lastStep.stepsPerEpoch : dataset ? plannedStepsPerEpoch(planConfig, dataset) : null;
  const lrPoints = useLrSchedulePoints(planConfig, planSteps);
  // Charts redraw in an interruptible background render (see ChartsPanel).
  const chartSteps = useDeferredValue(steps);
  const chartEpochs = useDeferredValue(epochs);
  const loadSynthetic = useCallback(() => client.loadSynthetic(SYNTHETIC_DEFAULT), [client]);
  const loadFiles = useCallback((files: File[]) => void client.loadFiles(files), [client]);
  const loaders = useMemo(() => clientLoaders(client), [client]);

  const start = () => {
    if (dataset) client.start({ ...config, data: { ...config.data, dataset: dataset.id } });
  };
  const download = () => {
    if (result) downloadJson(result, `trick-lab-${result.config.name}-${state.runId ?? 'run'}.json`);
  };
  const runConfigError = state.runError?.field ? state.runError : null;

  return (
    <div className="app">
      {linkProblem ? (
        <p className="error" role="alert" data-testid="config-link-error">
          The settings in this link could not be read: {linkProblem} The default settings are shown instead.
        </p>
      ) : null}
      {/* The experiment first (as TensorFlow Playground puts its controls beside the picture): the
          tricks on the left, the run and its charts beside them; the baseline they are applied to
          below, in a section that folds away. */}
      <main className="layout">
        {/* Each fieldset disables its settings during a run, so Start re-renders none of the panels. */}
        <fieldset className="tricks-column" disabled={live} aria-label="Tricks">
          {/* The trick toggles, generated from src/engine/tricks/catalog.ts. */}
          <PanelBoundary name="The tricks panel">
            <MemoTrickPanel config={config} onChange={setConfig} disabled={false} />
          </PanelBoundary>
        </fieldset>
        <div className="content">
          <section className="panel run-panel" aria-label="Run">
            <RunControls
              phase={phase}
              canStart={!live && !!dataset && !!state.backend && !state.datasetLoading}
              hasResult={!!result}
              onStart={start}
              onPause={client.pause}
              onResume={client.resume}
              onStop={client.stop}
              onDownload={download}
              link={link}
            />
            {live ? null : <RunEstimate config={config} dataset={dataset} backend={state.backend} samples={samples} onChange={setConfig} />}
            <PanelBoundary name="The progress panel" resetKey={state.runId}>
              <RunProgress phase={phase} lastStep={lastStep} lastEpoch={lastEpoch} totalEpochs={planConfig.run.epochs} status={result?.status ?? (state.stoppedWithoutResult ? 'stopped' : null)} compiling={state.compiling} />
            </PanelBoundary>
            {state.runError ? (
              <p className="error" role="alert" data-testid="run-error">
                {state.runError.message}
              </p>
            ) : null}
            {state.runNotice && state.runNotice !== state.runError?.message ? (
              <p className="notice" role="status" data-testid="run-notice">
                {state.runNotice}
              </p>
            ) : null}
            {result?.message ? (
              <p className={result.status === 'failed' || result.status === 'diverged' ? 'error' : 'field-hint'} data-testid="run-message">
                {result.message}
              </p>
            ) : null}
          </section>
          <ChartsPanel lrPoints={lrPoints} showPosition={live || phase === 'done'} steps={chartSteps} epochs={chartEpochs} totalEpochs={planConfig.run.epochs} pastRuns={chartRuns} />
          {result?.final ? (
            <p className="final" data-testid="final-metrics">
              Final validation top-1: <strong>{(100 * result.final.valTop1).toFixed(1)}%</strong> (peak {(100 * result.final.bestValTop1).toFixed(1)}%, chosen on the test set, optimistic), top-5{' '}
              {(100 * result.final.valTop5).toFixed(1)}%, in {result.timings.wallSeconds.toFixed(1)} s.
            </p>
          ) : null}
          <PanelBoundary name="The earlier runs">
            <PastRunsPanel runs={pastRuns} onChange={setPastRuns} onSendToLab={onSendToLab} />
          </PanelBoundary>
        </div>
        {/* Open at first (its fields are where a new setup starts); one click folds it away. */}
        <details className="baseline" open data-testid="baseline">
          <summary>
            <span className="baseline-title">Baseline</span> <span className="field-hint" data-testid="baseline-summary">{baselineSummary(config, dataset?.name ?? null)}</span>
          </summary>
          <fieldset className="baseline-grid" disabled={live} aria-label="Baseline settings">
            <PanelBoundary name="The dataset chooser">
              <MemoDatasetChooser dataset={dataset} loading={state.datasetLoading} error={state.datasetError} progress={state.datasetProgress} disabled={live} onUseSynthetic={loadSynthetic} onFiles={loadFiles} />
            </PanelBoundary>
            <PanelBoundary name="The dataset downloader">
              <MemoDatasetDownloader origin={location.origin} disabled={live || state.datasetLoading} loaders={loaders} storedVersion={dataset} />
            </PanelBoundary>
            <PanelBoundary name="The run settings">
              <MemoConfigForm config={config} onChange={setConfig} error={runConfigError} disabled={false} />
            </PanelBoundary>
            <PanelBoundary name="The model levers">
              <MemoLeversPanel config={config} onChange={setConfig} disabled={false} omit={LEVERS_IN_CONFIG_FORM} />
            </PanelBoundary>
            <PanelBoundary name="The recipes panel">
              <MemoPresetPicker config={config} onLoad={setConfig} disabled={live} />
            </PanelBoundary>
            <PanelBoundary name="The config file input">
              <ConfigFileInput onLoad={setConfig} disabled={live} />
            </PanelBoundary>
          </fieldset>
        </details>
      </main>
    </div>
  );
}
