/**
 * The run's hyperparameters: model depth and width, epochs, batch, learning rate, seed, input
 * resolution and how many training images to use (so a run can be tiny). Edits a whole
 * ExperimentConfig; the worker validates it and names the field at fault, shown beside it.
 */
import type { ExperimentConfig } from '../engine/config';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';
import type { UserError } from '../client/trainingClient';

/** CIFAR ResNet depths are 6n+2 (He et al. 2016, section 4.2). */
const DEPTHS = [8, 14, 20, 32, 44, 56, 110].map((d) => ({ value: d, label: `ResNet-${d}` }));
/** Inputs are resized from CIFAR's 32×32; 16 makes tiny runs, 48/64 is the resolution lever. */
const RESOLUTIONS = [16, 32, 48, 64].map((r) => ({ value: r, label: `${r}×${r}` }));
const KERNELS = [
  { value: 'custom', label: 'Trick Lab WGSL' },
  { value: 'stock', label: 'tfjs stock' },
] as const;

export interface ConfigFormProps {
  config: ExperimentConfig;
  onChange: (config: ExperimentConfig) => void;
  /** The config error from the last start, shown beside its field. */
  error: UserError | null;
  disabled: boolean;
}

export function ConfigForm({ config, onChange, error, disabled }: ConfigFormProps) {
  const { model, data, optim, run } = config;
  const errorFor = (field: string) => (error?.field === field ? error.message : null);
  const setModel = (patch: Partial<ExperimentConfig['model']>) => onChange({ ...config, model: { ...model, ...patch } });
  const setData = (patch: Partial<ExperimentConfig['data']>) => onChange({ ...config, data: { ...data, ...patch } });
  const setOptim = (patch: Partial<ExperimentConfig['optim']>) => onChange({ ...config, optim: { ...optim, ...patch } });
  const setRun = (patch: Partial<ExperimentConfig['run']>) => onChange({ ...config, run: { ...run, ...patch } });

  return (
    <fieldset className="panel config-form" disabled={disabled} data-testid="config-form">
      <legend>Run settings</legend>
      <div className="field-grid">
        <SelectField label="Depth" value={model.depth} options={DEPTHS} onChange={(depth) => setModel({ depth })} error={errorFor('model.depth')} testId="config-depth" />
        <NumberField label="Width multiplier" value={model.widthMultiplier} min={0.0625} max={8} step={0.25} onChange={(widthMultiplier) => setModel({ widthMultiplier })} error={errorFor('model.widthMultiplier')} hint="× 16/32/64 channels" testId="config-width" />
        <SelectField label="Input resolution" value={data.resolution} options={RESOLUTIONS} onChange={(resolution) => setData({ resolution })} error={errorFor('data.resolution')} testId="config-resolution" />
        <NumberField label="Epochs" value={run.epochs} min={1} max={1000} step={1} onChange={(epochs) => setRun({ epochs })} error={errorFor('run.epochs')} testId="config-epochs" />
        <NumberField label="Batch size" value={optim.batchSize} min={1} max={8192} step={1} onChange={(batchSize) => setOptim({ batchSize })} error={errorFor('optim.batchSize')} hint="images per step" testId="config-batch-size" />
        <NumberField label="Learning rate" value={optim.lr} min={0} max={100} onChange={(lr) => setOptim({ lr })} error={errorFor('optim.lr')} hint="base LR per batch" testId="config-lr" />
        <NumberField label="Seed" value={run.seed} min={0} step={1} onChange={(seed) => setRun({ seed })} error={errorFor('run.seed')} testId="config-seed" />
        <NumberField
          label="Training images (limit)"
          value={data.trainLimit}
          min={1}
          step={1}
          placeholder="all"
          onChange={(trainLimit) => setData({ trainLimit })}
          onClear={() => setData({ trainLimit: null })}
          error={errorFor('data.trainLimit')}
          hint="empty = all"
          testId="config-train-limit"
        />
        <NumberField
          label="Validation images (limit)"
          value={data.valLimit}
          min={1}
          step={1}
          placeholder="all"
          onChange={(valLimit) => setData({ valLimit })}
          onClear={() => setData({ valLimit: null })}
          error={errorFor('data.valLimit')}
          hint="empty = all"
          testId="config-val-limit"
        />
        <SelectField label="GPU kernels" value={run.kernels} options={KERNELS} onChange={(kernels) => setRun({ kernels })} error={errorFor('run.kernels')} hint="WebGPU only" testId="config-kernels" />
        <NumberField label="Log loss every" value={run.logEvery} min={1} step={1} onChange={(logEvery) => setRun({ logEvery })} error={errorFor('run.logEvery')} hint="steps (one GPU read-back each)" testId="config-log-every" />
      </div>
    </fieldset>
  );
}
