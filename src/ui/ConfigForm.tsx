/**
 * The run's hyperparameters: model depth and width, epochs, batch, learning rate, seed, input
 * resolution and how many training images to use (so a run can be tiny). Edits a whole
 * ExperimentConfig; the worker validates it and names the field at fault, shown beside it.
 */
import type { ExperimentConfig } from '../engine/config';
import type { ConfigPath } from '../engine/configFields';
import type { UserError } from '../client/trainingClient';
import { ConfigField } from './ConfigField';

/** The fields shown, in order, with their test ids; labels, ranges and options come from the field table. */
const FIELDS: readonly { path: ConfigPath; testId: string; freeNumber?: boolean }[] = [
  { path: 'model.depth', testId: 'config-depth' },
  { path: 'model.widthMultiplier', testId: 'config-width', freeNumber: true },
  { path: 'data.resolution', testId: 'config-resolution' },
  { path: 'run.epochs', testId: 'config-epochs' },
  { path: 'optim.batchSize', testId: 'config-batch-size' },
  { path: 'optim.lr', testId: 'config-lr' },
  { path: 'run.seed', testId: 'config-seed' },
  { path: 'data.trainLimit', testId: 'config-train-limit' },
  { path: 'data.valLimit', testId: 'config-val-limit' },
  { path: 'run.kernels', testId: 'config-kernels' },
  { path: 'run.logEvery', testId: 'config-log-every' },
];

export interface ConfigFormProps {
  config: ExperimentConfig;
  onChange: (config: ExperimentConfig) => void;
  /** The config error from the last start, shown beside its field. */
  error: UserError | null;
  disabled: boolean;
}

export function ConfigForm({ config, onChange, error, disabled }: ConfigFormProps) {
  return (
    <fieldset className="panel config-form" disabled={disabled} data-testid="config-form">
      <legend>Run settings</legend>
      <div className="field-grid">
        {FIELDS.map(({ path, testId, freeNumber }) => (
          <ConfigField key={path} path={path} config={config} onChange={onChange} testId={testId} freeNumber={freeNumber} error={error?.field === path ? error.message : null} />
        ))}
      </div>
    </fieldset>
  );
}
