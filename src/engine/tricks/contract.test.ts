// Contract tests generated from the registry: every trick keeps shapes, stays finite, is a
// no-op when switched off, is repeatable for a seed, round-trips through JSON and validation,
// declares sane parameters, changes something when on, and leaks no tensors.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Teacher } from '../model/teacher';
import { validateConfig } from '../validateConfig';
import { TRICK_CATALOG } from './catalog';
import { TRICKS } from './registry';
import { SCHEDULE_TRICKS } from './scheduleTricks';
import { BATCH, makeTeacher, NUM_CLASSES, runOneStep, SIDE, tinyConfig, withTrick, type StepResult } from '../../../test/support/testHarness';

let teacher: Teacher;
let baseline: StepResult;

beforeAll(async () => {
  await tf.setBackend('cpu');
  teacher = await makeTeacher();
  baseline = await runOneStep(tinyConfig(), teacher);
});

afterAll(() => teacher.dispose());

/** The trick on at its defaults, except that a per-batch probability is 1 (one step must show it). */
const everyBatch = (trick: (typeof TRICKS)[number]) => {
  const config = withTrick(trick);
  if (trick.params.some((p) => p.key === 'prob')) config.tricks[trick.id].params.prob = 1;
  return config;
};

const allFinite = (r: StepResult): boolean =>
  Number.isFinite(r.loss) && r.lrs.every(Number.isFinite) && r.weights.every((w) => w.every(Number.isFinite)) && r.preparedX.every(Number.isFinite);

it('lists the tricks in the paper\'s order, then CutMix, with unique ids', () => {
  expect(TRICKS.map((t) => t.id)).toEqual(['linearScaling', 'warmup', 'zeroGamma', 'noBiasDecay', 'fp16', 'cosine', 'labelSmoothing', 'distillation', 'mixup', 'cutmix']);
});

it('runs the catalog\'s tricks: same order, each trick carrying its catalog entry unchanged', () => {
  expect(TRICKS.map((t) => t.id)).toEqual(TRICK_CATALOG.map((t) => t.id));
  for (const [i, trick] of TRICKS.entries()) {
    for (const [key, value] of Object.entries(TRICK_CATALOG[i])) expect(trick[key as keyof typeof trick]).toBe(value);
  }
});

it('resolves the page\'s schedule preview from exactly the registry\'s schedule-phase tricks', () => {
  expect(SCHEDULE_TRICKS).toEqual(TRICKS.filter((t) => t.phases.includes('schedule')));
});

for (const trick of TRICKS) {
  describe(`trick ${trick.id}`, () => {
    it('declares a name, explanation, reference, phases and hooks only for those phases', () => {
      expect(trick.name.length).toBeGreaterThan(2);
      expect(trick.explanation.length).toBeGreaterThan(20);
      expect(trick.reference).toMatch(/\d{4}/);
      expect(trick.phases.length).toBeGreaterThan(0);
      const hookPhase: Record<string, string> = {
        baseLr: 'schedule', schedule: 'schedule', initialize: 'initialisation', decays: 'parameter groups',
        numerics: 'numerics', targets: 'batch and targets', mix: 'batch and targets', switchShare: 'batch and targets', loss: 'loss',
        warmupSteps: 'schedule',
      };
      for (const [hook, phase] of Object.entries(hookPhase)) {
        if (hook in trick) expect(trick.phases).toContain(phase);
      }
    });

    it('has parameter defaults inside their ranges (whole numbers where integer)', () => {
      for (const p of trick.params) {
        expect(p.min).toBeLessThanOrEqual(p.default);
        expect(p.default).toBeLessThanOrEqual(p.max);
        if (p.integer) expect(Number.isInteger(p.default)).toBe(true);
      }
    });

    it('offers recipes that set every declared parameter within its range, the first one the defaults', () => {
      const recipes = trick.recipes ?? [];
      for (const r of recipes) {
        expect(Object.keys(r.params).sort()).toEqual(trick.params.map((p) => p.key).sort());
        for (const p of trick.params) expect(r.params[p.key]).toBeGreaterThanOrEqual(p.min);
        for (const p of trick.params) expect(r.params[p.key]).toBeLessThanOrEqual(p.max);
      }
      if (recipes.length > 0) expect(recipes[0].params).toEqual(Object.fromEntries(trick.params.map((p) => [p.key, p.default])));
    });

    it('round-trips its config through JSON and validateConfig', () => {
      const config = withTrick(trick);
      expect(validateConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    });

    it('applies to the test config', () => {
      expect(trick.notApplicable?.(withTrick(trick)) ?? null).toBeNull();
    });

    it('switched off gives exactly the baseline', async () => {
      const off = await runOneStep(withTrick(trick, false), teacher);
      expect(off).toEqual(baseline);
    });

    it('switched on keeps shapes, stays finite, changes the run and repeats exactly for a seed', async () => {
      const before = tf.memory().numTensors;
      const a = await runOneStep(everyBatch(trick), teacher);
      expect(tf.memory().numTensors).toBe(before);
      expect(a.preparedShapes).toEqual([[BATCH, SIDE, SIDE, 3], [BATCH, NUM_CLASSES]]);
      for (let i = 0; i < BATCH; i++) {
        const row = a.preparedTargets.slice(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      }
      expect(allFinite(a)).toBe(true);
      expect(a).not.toEqual(baseline);
      const b = await runOneStep(everyBatch(trick), teacher);
      expect(b).toEqual(a);
    });
  });
}

describe('all tricks together', () => {
  it('stay finite in one step with every trick on', async () => {
    let config = tinyConfig();
    for (const t of TRICKS) config = withTrick(t, true, config);
    const r = await runOneStep(config, teacher);
    expect(allFinite(r)).toBe(true);
  });
});
