/**
 * Planning linear scaling as He et al. 2019 measure it (§3.1 and the efficient-training
 * comparison of §3.3): the rule η = η_ref × b / b_ref says what to do when the batch grows past
 * the reference batch, so its Δ is meaningful only there, against the same large batch with the
 * reference LR. At the reference batch it changes nothing; below it, it lowers the LR of a
 * baseline that may already follow another recipe (CIFAR's 0.1 per 128, He et al. 2016). The
 * planner shows `linearScalingNotes` and offers `largeBatchDesign`.
 */
import type { ExperimentConfig } from '../config';
import { linearScalingInfo } from '../tricks/catalog';
import { linearScaledLr } from '../tricks/linearScaling';
import { recipeOf, trickParams } from '../tricks/types';
import { createPlan, expandPlan, type Plan } from './plan';

/** The large batch of the offered design (the paper's efficient-training batch is 1024). */
export const DEFAULT_LARGE_BATCH = 1024;

/** A rate as the planner writes it: 0.4, not 0.4000000000000001. */
const rate = (x: number): string => String(Number(x.toPrecision(4)));

/** The trick's reference setting with the recipe it comes from: "0.1 per 256, from He et al. 2019, …". */
export function describeReference(config: ExperimentConfig): string {
  const p = trickParams(linearScalingInfo, config);
  const recipe = recipeOf(linearScalingInfo, p);
  return `${rate(p.lrPerReference)} per ${p.referenceBatch}, ${recipe ? `from ${recipe.source}` : 'a setting of your own'}`;
}

/** What linear scaling's Δ measures in one config that has it on, or null when it is the rule. */
function noteFor(config: ExperimentConfig): string | null {
  const p = trickParams(linearScalingInfo, config);
  const { batchSize: b, lr } = config.optim;
  const scaled = linearScaledLr(b, p);
  const reference = describeReference(config);
  const instead = `LR ${rate(scaled)} vs the baseline's ${rate(lr)}`;
  if (b === p.referenceBatch) {
    return `Linear scaling at batch ${b}, its reference batch (${reference}), sets LR ${rate(scaled)}: ${
      scaled === lr ? 'the same as the baseline, so its Δ is 0 up to noise' : `its Δ measures ${instead}`
    }, nothing about batch size. Plan the large-batch design to measure the rule.`;
  }
  if (b < p.referenceBatch) {
    return `Linear scaling at batch ${b}, below its reference batch (${reference}), lowers the LR: its Δ measures ${instead}, not the paper's large-batch rule. Plan the large-batch design to measure it.`;
  }
  if (lr !== p.lrPerReference) {
    return `Linear scaling at batch ${b} (${reference}) is compared with LR ${rate(lr)}, not the reference LR ${rate(p.lrPerReference)}: its Δ mixes the rule with another LR. Set the baseline LR to ${rate(p.lrPerReference)}.`;
  }
  return null;
}

/** One note per distinct problem among the plan's configs that have linear scaling on. */
export function linearScalingNotes(plan: Plan): string[] {
  const notes = expandPlan(plan)
    .groups.filter((g) => g.config.tricks[linearScalingInfo.id]?.enabled)
    .map((g) => noteFor(g.config))
    .filter((n): n is string => n !== null);
  return [...new Set(notes)];
}

/**
 * The paper's large-batch comparison as a hand-made plan over the same baseline and seeds:
 * the reference batch with the reference LR (where the rule and no rule are the same config,
 * so it is run once, as the reference), then `largeBatch` with the reference LR, then
 * `largeBatch` with the scaled LR η_ref × largeBatch / b_ref.
 */
export function largeBatchDesign(plan: Plan, largeBatch = DEFAULT_LARGE_BATCH): Plan {
  const p = trickParams(linearScalingInfo, plan.baseline);
  if (largeBatch <= p.referenceBatch) throw new RangeError(`the large batch (${largeBatch}) must exceed the reference batch (${p.referenceBatch})`);
  const params = plan.baseline.tricks[linearScalingInfo.id]?.params ?? {};
  const baseline: ExperimentConfig = {
    ...structuredClone(plan.baseline),
    optim: { ...plan.baseline.optim, lr: p.lrPerReference, batchSize: p.referenceBatch },
  };
  baseline.tricks[linearScalingInfo.id] = { enabled: false, params };
  const lr = rate(p.lrPerReference);
  return createPlan(baseline, {
    name: `Linear scaling at batch ${largeBatch}`,
    mode: 'custom',
    seeds: plan.seeds,
    variants: [
      { label: `batch ${p.referenceBatch}, LR ${lr} (reference batch: the rule changes nothing)`, tricks: [] },
      { label: `batch ${largeBatch}, LR ${lr} (not scaled)`, tricks: [], batchSize: largeBatch },
      { label: `batch ${largeBatch}, LR ${rate(linearScaledLr(largeBatch, p))} (linear scaling)`, tricks: [linearScalingInfo.id], batchSize: largeBatch },
    ],
  });
}
