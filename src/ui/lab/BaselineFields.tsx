/**
 * The plan's baseline config in a compact form: the model's size, the data, the optimiser's
 * batch and LR, the run's length and the seeds. Every ablated config starts from it; the
 * single-run page's full form remains the place for everything else.
 */
import type { ExperimentConfig } from '../../engine/config';
import { seedRange, type Plan } from '../../engine/lab/plan';
import { NumberField } from '../NumberField';
import { SelectField } from '../SelectField';

export interface BaselineFieldsProps {
  plan: Plan;
  onChange: (plan: Plan) => void;
  disabled: boolean;
  /** Dotted field of the plan's first problem, and its message. */
  error: { field: string; message: string } | null;
}

const DEPTHS = [8, 14, 20, 32, 44, 56].map((d) => ({ value: d, label: `ResNet-${d}` }));
const WIDTHS = [0.25, 0.5, 1, 2].map((w) => ({ value: w, label: `×${w}` }));
const RESOLUTIONS = [16, 32, 48, 64].map((r) => ({ value: r, label: `${r}×${r}` }));

export function BaselineFields({ plan, onChange, disabled, error }: BaselineFieldsProps) {
  const c = plan.baseline;
  const set = (patch: (config: ExperimentConfig) => ExperimentConfig) => onChange({ ...plan, baseline: patch(structuredClone(c)) });
  const errorFor = (field: string) => (error && error.field === field ? error.message : null);
  const seedCount = plan.seeds.length;
  return (
    <div className="field-grid" data-testid="lab-baseline">
      <SelectField label="Depth" value={c.model.depth} options={DEPTHS} disabled={disabled} testId="lab-depth" onChange={(v) => set((x) => ({ ...x, model: { ...x.model, depth: v } }))} />
      <SelectField label="Width" value={c.model.widthMultiplier} options={WIDTHS} disabled={disabled} testId="lab-width" onChange={(v) => set((x) => ({ ...x, model: { ...x.model, widthMultiplier: v } }))} />
      <SelectField label="Resolution" value={c.data.resolution} options={RESOLUTIONS} disabled={disabled} testId="lab-resolution" onChange={(v) => set((x) => ({ ...x, data: { ...x.data, resolution: v } }))} />
      <NumberField
        label="Training images"
        value={c.data.trainLimit}
        min={1}
        step={1}
        placeholder="all"
        disabled={disabled}
        testId="lab-train-limit"
        error={errorFor('baseline.data.trainLimit')}
        onChange={(v) => set((x) => ({ ...x, data: { ...x.data, trainLimit: v } }))}
        onClear={() => set((x) => ({ ...x, data: { ...x.data, trainLimit: null } }))}
      />
      <NumberField
        label="Validation images"
        value={c.data.valLimit}
        min={1}
        step={1}
        placeholder="all"
        disabled={disabled}
        testId="lab-val-limit"
        error={errorFor('baseline.data.valLimit')}
        onChange={(v) => set((x) => ({ ...x, data: { ...x.data, valLimit: v } }))}
        onClear={() => set((x) => ({ ...x, data: { ...x.data, valLimit: null } }))}
      />
      <NumberField label="Batch size" value={c.optim.batchSize} min={1} step={1} disabled={disabled} testId="lab-batch" error={errorFor('baseline.optim.batchSize')} onChange={(v) => set((x) => ({ ...x, optim: { ...x.optim, batchSize: v } }))} />
      <NumberField label="Learning rate" value={c.optim.lr} min={0} disabled={disabled} testId="lab-lr" error={errorFor('baseline.optim.lr')} onChange={(v) => set((x) => ({ ...x, optim: { ...x.optim, lr: v } }))} />
      <NumberField label="Epochs" value={c.run.epochs} min={1} step={1} disabled={disabled} testId="lab-epochs" error={errorFor('baseline.run.epochs')} onChange={(v) => set((x) => ({ ...x, run: { ...x.run, epochs: v } }))} />
      <NumberField
        label="First seed"
        value={plan.seeds[0] ?? c.run.seed}
        min={0}
        step={1}
        disabled={disabled}
        testId="lab-first-seed"
        error={errorFor('seeds.0')}
        onChange={(v) => onChange({ ...plan, seeds: seedRange(v, seedCount), baseline: { ...c, run: { ...c.run, seed: v } } })}
      />
      <NumberField
        label="Seeds per config"
        value={seedCount}
        min={1}
        max={20}
        step={1}
        disabled={disabled}
        testId="lab-seeds"
        error={errorFor('seeds')}
        onChange={(v) => Number.isInteger(v) && v >= 1 && v <= 20 && onChange({ ...plan, seeds: seedRange(plan.seeds[0] ?? c.run.seed, v) })}
      />
    </div>
  );
}
