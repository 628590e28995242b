/**
 * Linear scaling in the planner (He et al. 2019, §3.1): which published recipe its reference LR
 * and batch follow, what its Δ would measure in this plan, and the large-batch design that
 * measures the rule (lab/linearScalingPlan.ts).
 */
import { useState } from 'react';
import { DEFAULT_LARGE_BATCH, largeBatchDesign, linearScalingNotes } from '../../engine/lab/linearScalingPlan';
import type { Plan } from '../../engine/lab/plan';
import { LINEAR_SCALING_RECIPES, linearScalingInfo } from '../../engine/tricks/catalog';
import { recipeOf, trickParams } from '../../engine/tricks/types';
import { NumberField } from '../NumberField';
import { SelectField } from '../SelectField';

export interface LinearScalingPanelProps {
  plan: Plan;
  /** Whether the plan is valid (the notes need its configs). */
  valid: boolean;
  onChange: (plan: Plan) => void;
}

const OWN = 'own';

export function LinearScalingPanel({ plan, valid, onChange }: LinearScalingPanelProps) {
  const [largeBatch, setLargeBatch] = useState(DEFAULT_LARGE_BATCH);
  const params = trickParams(linearScalingInfo, plan.baseline);
  const current = recipeOf(linearScalingInfo, params);
  const options = [...LINEAR_SCALING_RECIPES.map((r) => ({ value: r.label, label: `${r.label} (${r.source})` })), ...(current ? [] : [{ value: OWN, label: `${params.lrPerReference} per ${params.referenceBatch} (your own)` }])];
  const pick = (label: string) => {
    const recipe = LINEAR_SCALING_RECIPES.find((r) => r.label === label);
    if (!recipe) return;
    const baseline = structuredClone(plan.baseline);
    baseline.tricks[linearScalingInfo.id] = { enabled: baseline.tricks[linearScalingInfo.id]?.enabled ?? false, params: { ...recipe.params } };
    onChange({ ...plan, baseline });
  };
  const notes = valid ? linearScalingNotes(plan) : [];
  const tooSmall = largeBatch <= params.referenceBatch;
  return (
    <div className="lab-linear-scaling" data-testid="lab-linear-scaling">
      <SelectField label="Linear scaling reference (LR per batch)" value={current?.label ?? OWN} options={options} testId="lab-ls-recipe" onChange={pick} />
      {notes.map((n) => (
        <p key={n} className="field-hint" data-testid="lab-ls-note">
          {n}
        </p>
      ))}
      <div className="run-controls">
        <NumberField label="Large batch" value={largeBatch} min={2} max={8192} step={1} testId="lab-ls-batch" error={tooSmall ? `must exceed the reference batch ${params.referenceBatch}` : null} onChange={setLargeBatch} />
        <button type="button" disabled={tooSmall} onClick={() => onChange(largeBatchDesign(plan, largeBatch))} data-testid="lab-ls-design">
          Plan the large-batch design
        </button>
      </div>
    </div>
  );
}
