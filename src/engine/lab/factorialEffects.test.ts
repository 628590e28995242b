import { describe, expect, it } from 'vitest';
import { fakeResult, labRun, tinyConfig } from '../../../test/support/testRuns';
import { analyseFactorial } from './factorialEffects';
import { createPlan, expandPlan, type Plan, type PlannedRun } from './plan';
import { groupRuns } from './summary';

const EIGHT = ['warmup', 'zeroGamma', 'noBiasDecay', 'cosine', 'labelSmoothing', 'mixup', 'cutmix', 'fp16'];

/** Every planned run finished with top-1 `response(levels, seed)`, except those `diverged` names. */
function labOf(plan: Plan, response: (on: (id: string) => number, seed: number) => number, diverged: (p: PlannedRun) => boolean = () => false) {
  const runs = expandPlan(plan).runs.map((p) => {
    const on = (id: string) => (p.config.tricks[id]?.enabled ? 1 : -1);
    const result = diverged(p) ? { ...fakeResult(p.config, 0), status: 'diverged' as const, final: null } : fakeResult(p.config, response(on, p.seed));
    return labRun(p.key, p.config, result, { planKey: p.key });
  });
  return groupRuns(runs);
}

describe('analyseFactorial', () => {
  it('two tricks, two seeds: effects and interaction worked by hand', () => {
    const plan = createPlan(tinyConfig, { mode: 'factorial-iv', tricks: ['cosine', 'mixup'], seeds: [1, 2] });
    // y by seed for (off, off), (cosine), (mixup), (both).
    const y: Record<number, number[]> = { 1: [0.5, 0.56, 0.52, 0.6], 2: [0.52, 0.56, 0.5, 0.62] };
    const a = analyseFactorial(plan, labOf(plan, (on, seed) => y[seed][(on('cosine') > 0 ? 1 : 0) + (on('mixup') > 0 ? 2 : 0)]))!;
    expect(a.design.rows).toHaveLength(4);
    expect(a.completeSeeds).toEqual([1, 2]);
    const [cos, mix] = a.mainEffects;
    // cosine: seed 1 (0.56 + 0.60)/2 − (0.50 + 0.52)/2 = 0.07; seed 2 0.59 − 0.51 = 0.08.
    // Mean 0.075, sd 0.005·√2, half-width t(0.975, 1)·0.005 = 0.0635310.
    expect(cos.tricks).toEqual(['cosine']);
    expect(cos.mean).toBeCloseTo(0.075, 12);
    expect(cos.low).toBeCloseTo(0.075 - 0.063531, 6);
    expect(cos.high).toBeCloseTo(0.075 + 0.063531, 6);
    expect(cos.excludesZero).toBe(true);
    // mixup: seed 1 (0.52 + 0.60)/2 − (0.50 + 0.56)/2 = 0.03; seed 2 0.56 − 0.54 = 0.02: the interval holds 0.
    expect(mix.mean).toBeCloseTo(0.025, 12);
    expect(mix.low).toBeCloseTo(0.025 - 0.063531, 6);
    expect(mix.excludesZero).toBe(false);
    // cosine × mixup: seed 1 ½(0.50 − 0.56 − 0.52 + 0.60) = 0.01; seed 2 ½(0.52 − 0.56 − 0.50 + 0.62) = 0.04.
    expect(a.interactions).toHaveLength(1);
    expect(a.interactions[0].tricks).toEqual(['cosine', 'mixup']);
    expect(a.interactions[0].mean).toBeCloseTo(0.025, 12);
  });

  /** Main effects (on − off) per trick and one interaction cosine × labelSmoothing of 0.04. */
  const truth = [0.02, 0, -0.01, 0.03, 0.015, -0.02, 0, 0.005];
  const synthetic = (on: (id: string) => number, seed: number) =>
    0.6 + EIGHT.reduce((s, id, j) => s + (truth[j] / 2) * on(id), 0) + (0.04 / 2) * on('cosine') * on('labelSmoothing') + 0.01 * Math.sin(seed * 7);

  it('8 tricks at resolution IV (16 configs): main effects recovered clear of the interaction', () => {
    const plan = createPlan(tinyConfig, { mode: 'factorial-iv', tricks: EIGHT, seeds: [1, 2, 3] });
    expect(expandPlan(plan).groups).toHaveLength(16);
    const a = analyseFactorial(plan, labOf(plan, synthetic))!;
    a.mainEffects.forEach((e, j) => expect(e.mean, EIGHT[j]).toBeCloseTo(truth[j], 10));
    expect(a.mainEffects[4].excludesZero).toBe(true);
    // The interaction shows up in its alias chain (cosine × labelSmoothing = zeroGamma × noBiasDecay = …).
    const top = a.interactions[0];
    expect(top.mean).toBeCloseTo(0.04, 10);
    expect([top.tricks, ...top.aliases]).toContainEqual(['cosine', 'labelSmoothing']);
    expect(top.aliases.length).toBeGreaterThan(0);
    expect(Math.abs(a.interactions[1].mean)).toBeCloseTo(0, 10);
  });

  it('8 tricks at resolution V (64 configs): the interaction is estimated on its own', () => {
    const plan = createPlan(tinyConfig, { mode: 'factorial-v', tricks: EIGHT, seeds: [1, 2] });
    const a = analyseFactorial(plan, labOf(plan, synthetic))!;
    expect(a.design.rows).toHaveLength(64);
    a.mainEffects.forEach((e, j) => expect(e.mean).toBeCloseTo(truth[j], 10));
    expect(a.interactions).toHaveLength(28);
    expect(a.interactions[0]).toMatchObject({ tricks: ['cosine', 'labelSmoothing'], aliases: [] });
    expect(a.interactions[0].mean).toBeCloseTo(0.04, 10);
  });

  it('a seed with a diverged config is left out of the estimates and counted', () => {
    const plan = createPlan(tinyConfig, { mode: 'factorial-iv', tricks: EIGHT, seeds: [1, 2, 3] });
    const a = analyseFactorial(plan, labOf(plan, synthetic, (p) => p.seed === 2 && p.group === 5))!;
    expect(a.completeSeeds).toEqual([1, 3]);
    expect(a.incompleteSeeds).toEqual([{ seed: 2, missing: 1 }]);
    expect(a.mainEffects[0].n).toBe(2);
    expect(a.mainEffects[0].mean).toBeCloseTo(truth[0], 10);
  });

  it('ignores configs of other plans and is null for other designs', () => {
    const plan = createPlan(tinyConfig, { mode: 'factorial-iv', tricks: ['cosine', 'mixup'], seeds: [1] });
    const other = { ...plan, baseline: { ...plan.baseline, optim: { ...plan.baseline.optim, lr: 0.05 } } };
    const a = analyseFactorial(plan, labOf(other, () => 0.5))!;
    expect(a.completeSeeds).toEqual([]);
    expect(a.mainEffects).toEqual([]);
    expect(analyseFactorial({ ...plan, mode: 'each-alone' }, new Map())).toBeNull();
  });
});
