// Linear scaling's Δ as the planner explains it, and the large-batch design it offers, with the
// learning rates worked out by hand (η = η_ref × b / b_ref).
import { describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../config';
import { linearScaling } from '../tricks/linearScaling';
import { recipeOf } from '../tricks/types';
import { buildLrSchedule } from '../train/schedule';
import { largeBatchDesign, linearScalingNotes } from './linearScalingPlan';
import { createPlan, expandPlan } from './plan';
import { validatePlan } from './validatePlan';

const baseline = (batchSize: number, lr: number, params: Record<string, number> = {}): ExperimentConfig =>
  makeConfig({ optim: { batchSize, lr }, run: { epochs: 2 }, tricks: { linearScaling: { enabled: false, params } } });
const notes = (config: ExperimentConfig) => linearScalingNotes(createPlan(config, { tricks: ['linearScaling'], seeds: [1] }));
const CIFAR = { lrPerReference: 0.1, referenceBatch: 128 };

describe('linear scaling in the planner', () => {
  it('names the recipe of its parameters', () => {
    expect(recipeOf(linearScaling, { lrPerReference: 0.1, referenceBatch: 256 })?.source).toMatch(/^He et al\. 2019/);
    expect(recipeOf(linearScaling, CIFAR)?.source).toMatch(/^He et al\. 2016/);
    expect(recipeOf(linearScaling, { lrPerReference: 0.2, referenceBatch: 256 })).toBeNull();
  });

  it('at batch 128 with 0.1 per 256: says the Δ is LR 0.05 vs 0.1, not the large-batch rule', () => {
    const [note, ...rest] = notes(baseline(128, 0.1));
    expect(rest).toEqual([]);
    expect(note).toContain('batch 128, below its reference batch (0.1 per 256, from He et al. 2019');
    expect(note).toContain("LR 0.05 vs the baseline's 0.1");
  });

  it('at its reference batch: says it changes nothing (CIFAR recipe at batch 128)', () => {
    const [note] = notes(baseline(128, 0.1, CIFAR));
    expect(note).toContain('batch 128, its reference batch (0.1 per 128, from He et al. 2016');
    expect(note).toContain('the same as the baseline, so its Δ is 0 up to noise');
    // With another baseline LR the Δ is that LR change: 0.1 × 256 / 256 vs 0.05.
    expect(notes(baseline(256, 0.05))[0]).toContain("LR 0.1 vs the baseline's 0.05");
  });

  it('above the reference batch with the reference LR: the paper\'s comparison, no note', () => {
    expect(notes(baseline(1024, 0.1))).toEqual([]);
    expect(notes(baseline(1024, 0.2))[0]).toContain('compared with LR 0.2, not the reference LR 0.1');
  });

  it('offers the large-batch design: batch 256 at 0.1, batch 1024 at 0.1 and at 0.1 × 1024/256 = 0.4', () => {
    const plan = largeBatchDesign(createPlan(baseline(128, 0.05), { tricks: ['linearScaling'], seeds: [3, 4] }));
    expect(validatePlan(plan)).toBe(plan);
    const { groups, runs } = expandPlan(plan);
    expect(groups.map((g) => [g.config.optim.batchSize, buildLrSchedule(g.config, 10).lr(0), g.isReference])).toEqual([
      [256, 0.1, true],
      [1024, 0.1, false],
      [1024, 0.4, false],
    ]);
    expect(groups.map((g) => g.label)).toEqual([
      'batch 256, LR 0.1 (reference batch: the rule changes nothing)',
      'batch 1024, LR 0.1 (not scaled)',
      'batch 1024, LR 0.4 (linear scaling)',
    ]);
    expect(runs.map((r) => r.seed)).toEqual([3, 3, 3, 4, 4, 4]);
    expect(linearScalingNotes(plan)).toEqual([]);
    // The same with the CIFAR recipe: the reference batch is 128 and batch 1024 scales to 0.8.
    const cifar = expandPlan(largeBatchDesign(createPlan(baseline(128, 0.1, CIFAR), { seeds: [1] }))).groups;
    expect(cifar.map((g) => [g.config.optim.batchSize, Number(buildLrSchedule(g.config, 10).lr(0).toFixed(12))])).toEqual([
      [128, 0.1],
      [1024, 0.1],
      [1024, 0.8],
    ]);
    expect(() => largeBatchDesign(createPlan(baseline(128, 0.1)), 256)).toThrow('the large batch (256) must exceed the reference batch (256)');
  });

  it("validatePlan checks an entry's batch size like the baseline's, naming the entry", () => {
    const plan = largeBatchDesign(createPlan(makeConfig({ data: { trainLimit: 512 } })));
    expect(() => validatePlan(plan)).toThrow('variants.1.batchSize: 1024 is larger than data.trainLimit (512)');
    const zero = { ...plan, variants: [{ label: 'a', tricks: [], batchSize: 0 }] };
    expect(() => validatePlan(zero)).toThrow(/^variants\.0\.batchSize: /);
  });
});
