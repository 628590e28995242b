/**
 * Before Start: how long this run should take on this device (engine/lab/estimate.ts, from this
 * device's earlier runs when there are any), and, where there is no GPU to train on (the CPU
 * backend, or a software WebGPU adapter such as SwiftShader), a warning saying so with a small
 * setup to try instead: a short run of a small model on few, smaller images.
 */
import type { DeepPartial, ExperimentConfig } from '../engine/config';
import { makeConfig } from '../engine/config';
import { estimateSingleRun, isSoftwareBackend, type ThroughputSample } from '../engine/lab/estimate';
import type { BackendInfo } from '../engine/events';
import { formatDuration } from '../data/format';
import type { DatasetInfo } from '../worker/protocol';

/** A setup small enough for a software adapter: ResNet-8 at a quarter width, 16×16, 512 images, 2 epochs. */
export const SMALL_SETUP: DeepPartial<ExperimentConfig> = {
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { resolution: 16, trainLimit: 512, valLimit: 128 },
  optim: { batchSize: 32 },
  run: { epochs: 2 },
};

export interface RunEstimateProps {
  config: ExperimentConfig;
  dataset: DatasetInfo | null;
  backend: BackendInfo | null;
  samples: readonly ThroughputSample[];
  onChange: (config: ExperimentConfig) => void;
}

export function RunEstimate({ config, dataset, backend, samples, onChange }: RunEstimateProps) {
  if (!dataset || !backend) return null;
  const estimate = estimateSingleRun(config, dataset, samples, backend.name);
  const software = isSoftwareBackend(backend);
  const where = backend.name === 'cpu' ? 'on the CPU' : 'on a software GPU adapter (no graphics hardware)';
  return (
    <div className="run-estimate" data-testid="run-estimate">
      <p className="field-hint" data-testid="run-estimate-text">
        This run should take {estimate.seconds < 1 ? <strong>under 1 s</strong> : <>about <strong>{formatDuration(estimate.seconds)}</strong></>} here, {estimate.note}.
      </p>
      {software ? (
        <p className="notice" role="status" data-testid="software-warning">
          This device trains {where}: runs are many times slower than on a GPU{estimate.basis === 'default' ? ', so the time above is far too short' : ''}.{' '}
          {/* Once it is the small setup, the button would change nothing: say so instead. */}
          {isSmallSetup(config) ? (
            <span data-testid="small-setup-on">This is the small setup (ResNet-8 at ¼ width, 16×16 px, 512 images, 2 epochs).</span>
          ) : (
            <>
              <button type="button" onClick={() => onChange({ ...config, ...mergeSmall(config) })} data-testid="use-small-setup">
                Use a small setup
              </button>{' '}
              (ResNet-8 at ¼ width, 16×16 px, 512 images, 2 epochs; your tricks stay).
            </>
          )}
        </p>
      ) : null}
    </div>
  );
}

/** Whether `config` already has SMALL_SETUP's fields (the button would change nothing). */
function isSmallSetup(config: ExperimentConfig): boolean {
  const small = mergeSmall(config);
  return JSON.stringify({ ...config, ...small }) === JSON.stringify(config);
}

/** The config with SMALL_SETUP's fields replaced, tricks and everything else kept. */
function mergeSmall(config: ExperimentConfig): Partial<ExperimentConfig> {
  const small = makeConfig(SMALL_SETUP);
  return {
    model: { ...config.model, depth: small.model.depth, widthMultiplier: small.model.widthMultiplier },
    data: { ...config.data, resolution: small.data.resolution, trainLimit: small.data.trainLimit, valLimit: small.data.valLimit },
    optim: { ...config.optim, batchSize: small.optim.batchSize },
    run: { ...config.run, epochs: small.run.epochs },
  };
}
