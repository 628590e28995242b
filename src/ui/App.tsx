/**
 * Trick Lab's page: choose data and settings, train a CIFAR ResNet in the training worker, watch
 * the learning rate, loss and accuracy live, and download the run's results JSON. The engine
 * is reached only through the worker (see trainingClient.ts and useTraining.ts).
 */
import { memo, useMemo, useState } from 'react';
import type { BackendName, ExperimentConfig } from '../engine/config';
import { makeConfig } from '../engine/config';
import { buildLrSchedule } from '../engine/train/schedule';
import { AccuracyChart } from './charts/AccuracyChart';
import { LossChart } from './charts/LossChart';
import { LrChart } from './charts/LrChart';
import { BackendPanel, FallbackBanner } from './BackendPanel';
import { ConfigForm } from './ConfigForm';
import { DatasetChooser } from './DatasetChooser';
import { LeversPanel } from './LeversPanel';
import { downloadJson } from './downloadJson';
import { RunControls } from './RunControls';
import { RunProgress } from './RunProgress';
import { plannedStepsPerEpoch, sampleSchedule } from './runPlan';
import type { TrainingClient } from './trainingClient';
import { TrickPanel } from './TrickPanel';
import { useTraining } from './useTraining';

/** The embedded synthetic set loaded at start-up (no download needed). */
export const SYNTHETIC_SOURCE = { seed: 1, trainCount: 5000, testCount: 1000 };

const MemoLrChart = memo(LrChart);
const MemoLossChart = memo(LossChart);
const MemoAccuracyChart = memo(AccuracyChart);

export interface AppProps {
  client: TrainingClient;
  backend: 'auto' | BackendName;
}

export function App({ client, backend }: AppProps) {
  const state = useTraining(client);
  const [config, setConfig] = useState<ExperimentConfig>(() => makeConfig({ run: { backend } }));
  const { phase, dataset, steps, epochs, result } = state;
  const live = phase === 'starting' || phase === 'running' || phase === 'paused' || phase === 'stopping';
  const lastStep = steps.length > 0 ? steps[steps.length - 1] : null;
  const lastEpoch = epochs.length > 0 ? epochs[epochs.length - 1] : null;

  const planConfig = live && state.runConfig ? state.runConfig : config;
  const planSteps = live && lastStep ? lastStep.stepsPerEpoch : dataset ? plannedStepsPerEpoch(planConfig, dataset) : null;
  const lrPoints = useMemo(() => {
    if (planSteps === null) return [];
    try {
      const schedule = buildLrSchedule(planConfig, planSteps);
      return sampleSchedule(schedule.lr, schedule.totalSteps);
    } catch {
      return []; // an invalid config has no schedule; the form shows the error on start
    }
  }, [planConfig, planSteps]);
  const lossPoints = useMemo(() => steps.map((s) => ({ step: s.step, loss: s.loss })), [steps]);
  const accuracyPoints = useMemo(() => epochs.map((e) => ({ epoch: e.epoch, train: 100 * e.trainAccuracy, val: 100 * e.valTop1 })), [epochs]);

  const start = () => {
    if (dataset) client.start({ ...config, data: { ...config.data, dataset: dataset.id } });
  };
  const download = () => {
    if (result) downloadJson(result, `trick-lab-${result.config.name}-${state.runId ?? 'run'}.json`);
  };
  const imagesPerSecond = lastStep?.imagesPerSecond ?? lastEpoch?.imagesPerSecond ?? null;
  const runConfigError = state.runError?.field ? state.runError : null;

  return (
    <div className="app">
      <header className="app-header">
        <h1>Trick Lab</h1>
        <p className="tagline">Train CIFAR ResNets in your browser on WebGPU and see what each trick of “Bag of Tricks” (He et al. 2019) is worth.</p>
        <BackendPanel backend={state.backend} initError={state.initError} imagesPerSecond={imagesPerSecond} />
      </header>
      <FallbackBanner backend={state.backend} initError={state.initError} />
      <main className="layout">
        <div className="sidebar">
          <DatasetChooser
            dataset={dataset}
            loading={state.datasetLoading}
            error={state.datasetError}
            disabled={live}
            onUseSynthetic={() => client.loadSynthetic(SYNTHETIC_SOURCE)}
            onFiles={(files) => void client.loadFiles(files)}
          />
          <ConfigForm config={config} onChange={setConfig} error={runConfigError} disabled={live} />
          <LeversPanel config={config} onChange={setConfig} disabled={live} omit={['depth', 'width', 'resolution']} />
          <TrickPanel config={config} onChange={setConfig} disabled={live} />
        </div>
        <div className="content">
          <section className="panel" aria-label="Run">
            <RunControls
              phase={phase}
              canStart={!live && !!dataset && !!state.backend && !state.datasetLoading}
              hasResult={!!result}
              onStart={start}
              onPause={client.pause}
              onResume={client.resume}
              onStop={client.stop}
              onDownload={download}
            />
            <RunProgress phase={phase} lastStep={lastStep} lastEpoch={lastEpoch} totalEpochs={planConfig.run.epochs} status={result?.status ?? null} />
            {state.runError ? (
              <p className="error" role="alert" data-testid="run-error">
                {state.runError.message}
              </p>
            ) : null}
            {result?.message ? (
              <p className="field-hint" data-testid="run-message">
                {result.message}
              </p>
            ) : null}
          </section>
          <section className="charts" aria-label="Charts">
            <MemoLrChart points={lrPoints} currentStep={live || phase === 'done' ? (lastStep?.step ?? null) : null} />
            <MemoLossChart points={lossPoints} />
            <MemoAccuracyChart points={accuracyPoints} totalEpochs={planConfig.run.epochs} />
          </section>
          {result?.final ? (
            <p className="final" data-testid="final-metrics">
              Final validation top-1: <strong>{(100 * result.final.valTop1).toFixed(1)}%</strong> (best {(100 * result.final.bestValTop1).toFixed(1)}%), top-5{' '}
              {(100 * result.final.valTop5).toFixed(1)}%, in {result.timings.wallSeconds.toFixed(1)} s.
            </p>
          ) : null}
        </div>
      </main>
    </div>
  );
}
