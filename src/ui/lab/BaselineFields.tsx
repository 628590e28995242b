/**
 * The plan's baseline config in a compact form: the model's size, the data, the optimiser's
 * batch and LR and the run's length (BaselineFields, in the planner's folding Baseline section);
 * and the seeds every config is trained with (SeedFields, beside the plan's size). Every ablated
 * config starts from the baseline; the single-run page's full form remains the place for
 * everything else.
 */
import type { ExperimentConfig } from '../../engine/config';
import { CONFIG_FIELDS, type ConfigPath } from '../../engine/configFields';
import { seedRange, type Plan } from '../../engine/lab/plan';
import { ConfigField } from '../ConfigField';
import { NumberField } from '../NumberField';

export interface BaselineFieldsProps {
  plan: Plan;
  onChange: (plan: Plan) => void;
  disabled: boolean;
  /** Dotted field of the plan's first problem, and its message. */
  error: { field: string; message: string } | null;
}

/** The baseline's fields, in order, with their test ids; labels, ranges and options come from the field table. */
const FIELDS: readonly { path: ConfigPath; testId: string }[] = [
  { path: 'model.depth', testId: 'lab-depth' },
  { path: 'model.widthMultiplier', testId: 'lab-width' },
  { path: 'data.resolution', testId: 'lab-resolution' },
  { path: 'data.trainLimit', testId: 'lab-train-limit' },
  { path: 'data.valLimit', testId: 'lab-val-limit' },
  { path: 'optim.batchSize', testId: 'lab-batch' },
  { path: 'optim.lr', testId: 'lab-lr' },
  { path: 'run.epochs', testId: 'lab-epochs' },
];
const SEED = CONFIG_FIELDS['run.seed'];

export function BaselineFields({ plan, onChange, disabled, error }: BaselineFieldsProps) {
  const errorFor = (field: string) => (error && error.field === field ? error.message : null);
  return (
    <div className="field-grid" data-testid="lab-baseline">
      {FIELDS.map(({ path, testId }) => (
        <ConfigField
          key={path}
          path={path}
          config={plan.baseline}
          disabled={disabled}
          testId={testId}
          error={errorFor(`baseline.${path}`)}
          onChange={(baseline: ExperimentConfig) => onChange({ ...plan, baseline })}
        />
      ))}
    </div>
  );
}

/** The first seed and how many seeds each config trains with (seeds first, first+1, …). */
export function SeedFields({ plan, onChange, disabled, error }: BaselineFieldsProps) {
  const c = plan.baseline;
  const errorFor = (field: string) => (error && error.field === field ? error.message : null);
  const seedCount = plan.seeds.length;
  return (
    <div className="lab-seed-fields">
      <NumberField
        label="First seed"
        value={plan.seeds[0] ?? c.run.seed}
        min={SEED.min}
        max={SEED.max}
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
