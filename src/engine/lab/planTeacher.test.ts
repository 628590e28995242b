// A plan that trains its distillation teacher: one teacher run per seed before that seed's
// configs, used only by the configs that distil, and checked by validatePlan.
import { describe, expect, it } from 'vitest';
import { fakeResult, labRun } from '../../../test/support/testRuns';
import { makeConfig } from '../config';
import { validateConfig } from '../validateConfig';
import { analyseFactorial } from './factorialEffects';
import { createPlan, expandPlan } from './plan';
import { groupRuns } from './summary';
import { defaultTeacherModel, teacherRecord } from './teacher';
import { validatePlan } from './validatePlan';

const baseline = makeConfig({ model: { depth: 20 }, data: { trainLimit: 256 }, run: { epochs: 2 }, tricks: { distillation: { enabled: false, params: { temperature: 4 } } } });
const teacher = { model: defaultTeacherModel(baseline.model) };

describe('a plan with its own teacher', () => {
  it('trains ResNet-56 first for each seed; only the distillation configs are taught by it', () => {
    const plan = createPlan(baseline, { tricks: ['labelSmoothing', 'distillation'], seeds: [1, 2], teacher });
    const { groups, runs } = expandPlan(validatePlan(plan));
    expect(groups.map((g) => [g.index, g.label, g.isReference, g.isTeacher ?? false])).toEqual([
      [0, 'baseline', true, false],
      [1, '+ Label smoothing', false, false],
      [2, '+ Knowledge distillation', false, false],
      [3, 'teacher ResNet-56', false, true],
    ]);
    expect(runs.map((r) => [r.key, r.seed, r.teacherKey ?? null])).toEqual([
      ['t-s1', 1, null],
      ['g0-s1', 1, null],
      ['g1-s1', 1, null],
      ['g2-s1', 1, 't-s1'],
      ['t-s2', 2, null],
      ['g0-s2', 2, null],
      ['g1-s2', 2, null],
      ['g2-s2', 2, 't-s2'],
    ]);
    // The teacher is the baseline with its model, on the same data and seed, distilling nothing.
    const t = runs[4].config;
    expect(t.model.depth).toBe(56);
    expect(t.data).toEqual(baseline.data);
    expect(t.run.seed).toBe(2);
    expect(t.tricks.distillation).toEqual({ enabled: false, params: { temperature: 4 } });
    expect(t.name).toBe('teacher ResNet-56');
    expect(() => validateConfig(t)).not.toThrow();
  });

  it('plans no teacher when no config distils, and none without plan.teacher', () => {
    expect(expandPlan(createPlan(baseline, { tricks: ['labelSmoothing'], seeds: [1], teacher })).runs.map((r) => r.key)).toEqual(['g0-s1', 'g1-s1']);
    expect(expandPlan(createPlan(baseline, { tricks: ['distillation'], seeds: [1] })).runs.map((r) => r.key)).toEqual(['g0-s1', 'g1-s1']);
  });

  it('turns distillation off for the teacher even when the baseline has it on', () => {
    const on = { ...baseline, tricks: { distillation: { enabled: true, params: {} } } };
    const { runs } = expandPlan(createPlan(on, { tricks: ['cosine'], seeds: [1], teacher }));
    expect(runs.map((r) => [r.key, r.teacherKey ?? null, r.config.tricks.distillation.enabled])).toEqual([
      ['t-s1', null, false],
      ['g0-s1', 't-s1', true],
      ['g1-s1', 't-s1', true],
    ]);
  });

  it('validatePlan checks the teacher: a model valid on the baseline\'s data, no other key; old plans without it stay valid', () => {
    const plan = createPlan(baseline, { tricks: ['distillation'], seeds: [1], teacher });
    expect(() => validatePlan({ ...plan, teacher: { model: { ...teacher.model, depth: 21 } } })).toThrow(/^teacher\.model\.depth: /);
    expect(() => validatePlan({ ...plan, teacher: { model: teacher.model, epochs: 3 } })).toThrow('teacher.epochs: unknown key');
    expect(() => validatePlan({ ...plan, teacher: 56 })).toThrow('teacher: must be null or { model }');
    const { teacher: _omitted, ...old } = plan;
    expect(validatePlan(old)).toEqual(old);
    // The run limit counts the teacher's runs: (24 entries + 1 teacher) × 20 seeds = 500 fits, 25 entries do not.
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `e${i}`, tricks: i === 0 ? ['distillation'] : [] }));
    expect(expandPlan(validatePlan({ ...plan, mode: 'custom', tricks: [], variants: entries(24), seeds })).runs).toHaveLength(500);
    expect(() => validatePlan({ ...plan, mode: 'custom', tricks: [], variants: entries(25), seeds })).toThrow('seeds: the plan has 520 runs; at most 500');
  });
});

describe('a factorial plan with a teacher', () => {
  it('counts its distillation configs (their group includes the teacher) and leaves the teacher out', () => {
    const plan = createPlan(baseline, { mode: 'factorial-iv', tricks: ['cosine', 'distillation'], seeds: [1, 2], teacher });
    const planned = expandPlan(plan).runs;
    const teachers = new Map(planned.filter((p) => p.key.startsWith('t-')).map((p) => [p.key, labRun(p.key, p.config, fakeResult(p.config, 0.9))]));
    // Top-1 0.5, +0.04 with distillation, +0.02 with cosine: distillation's main effect is 0.04.
    const runs = planned.map((p) => {
      const top1 = p.key.startsWith('t-') ? 0.9 : 0.5 + (p.config.tricks.distillation?.enabled ? 0.04 : 0) + (p.config.tricks.cosine?.enabled ? 0.02 : 0);
      const teacherRun = p.teacherKey ? teachers.get(p.teacherKey)! : null;
      return labRun(p.key, p.config, fakeResult(p.config, top1), { planKey: p.key, teacher: teacherRun ? teacherRecord(teacherRun) : null });
    });
    const a = analyseFactorial(plan, groupRuns(runs))!;
    expect(a.completeSeeds).toEqual([1, 2]);
    expect(a.mainEffects.map((e) => [e.tricks, Number(e.mean.toFixed(12))])).toEqual([
      [['cosine'], 0.02],
      [['distillation'], 0.04],
    ]);
  });
});
