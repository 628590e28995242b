import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { validateConfig } from '../validateConfig';
import { DEFAULT_IMAGES_PER_SECOND, estimatePlan, forwardMacs, trainImagesFor, type ThroughputSample } from './estimate';
import { createPlan, expandPlan, inapplicableTricks, seedRange, shardRuns, type Plan } from './plan';
import { PlanError, validatePlan } from './validatePlan';

const baseline = makeConfig({
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { resolution: 16, trainLimit: 128 },
  optim: { batchSize: 32 },
  run: { epochs: 2, seed: 5 },
  // A parameter set on the baseline (off): the plan keeps it when it switches the trick on.
  tricks: { labelSmoothing: { enabled: false, params: { epsilon: 0.2 } } },
});
const tricksOn = (c: { tricks: Record<string, { enabled: boolean }> }) =>
  Object.entries(c.tricks)
    .filter(([, s]) => s.enabled)
    .map(([id]) => id)
    .sort();

describe('expandPlan', () => {
  it("'each-alone': the baseline and one config per trick, times each seed, seed-major", () => {
    const plan = createPlan(baseline, { mode: 'each-alone', tricks: ['cosine', 'labelSmoothing'], seeds: [1, 2] });
    const { groups, runs } = expandPlan(plan);
    expect(groups.map((g) => g.label)).toEqual(['baseline', '+ Cosine learning rate decay', '+ Label smoothing']);
    expect(groups.map((g) => g.isReference)).toEqual([true, false, false]);
    expect(runs.map((r) => r.key)).toEqual(['g0-s1', 'g1-s1', 'g2-s1', 'g0-s2', 'g1-s2', 'g2-s2']);
    expect(runs.map((r) => r.config.run.seed)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(runs.map((r) => tricksOn(r.config))).toEqual([[], ['cosine'], ['labelSmoothing'], [], ['cosine'], ['labelSmoothing']]);
    expect(runs[2].config.tricks.labelSmoothing).toEqual({ enabled: true, params: { epsilon: 0.2 } });
    expect(runs[1].config.name).toBe('+ Cosine learning rate decay');
    // Nothing else changes, and every planned config is valid.
    for (const r of runs) {
      expect(r.config.model).toEqual(baseline.model);
      expect(() => validateConfig(r.config)).not.toThrow();
    }
    // The plan's baseline is not modified.
    expect(plan.baseline.run.seed).toBe(5);
  });

  it("'cumulative': each row adds the next trick in the chosen order (Table 6)", () => {
    const { groups } = expandPlan(createPlan(baseline, { mode: 'cumulative', tricks: ['warmup', 'cosine', 'mixup'], seeds: [1] }));
    expect(groups.map((g) => g.tricks)).toEqual([[], ['warmup'], ['warmup', 'cosine'], ['warmup', 'cosine', 'mixup']]);
    expect(groups.map((g) => tricksOn(g.config))).toEqual([[], ['warmup'], ['cosine', 'warmup'], ['cosine', 'mixup', 'warmup']]);
  });

  it("'leave-one-out': all on is the reference, then each trick off in turn", () => {
    const { groups, runs } = expandPlan(createPlan(baseline, { mode: 'leave-one-out', tricks: ['cosine', 'mixup', 'labelSmoothing'], seeds: [1, 2, 3] }));
    expect(groups.map((g) => g.label)).toEqual(['all on', '− Cosine learning rate decay', '− Mixup training', '− Label smoothing']);
    expect(groups[0].isReference).toBe(true);
    expect(groups.map((g) => tricksOn(g.config))).toEqual([
      ['cosine', 'labelSmoothing', 'mixup'],
      ['labelSmoothing', 'mixup'],
      ['cosine', 'labelSmoothing'],
      ['cosine', 'mixup'],
    ]);
    expect(runs).toHaveLength(12);
  });

  it("'custom': the hand-made list, the first entry as reference", () => {
    const plan = createPlan(baseline, {
      mode: 'custom',
      variants: [
        { label: 'plain', tricks: [] },
        { label: 'regularised', tricks: ['mixup', 'labelSmoothing'] },
      ],
      seeds: [9],
    });
    const { groups, runs } = expandPlan(plan);
    expect(groups.map((g) => [g.label, g.isReference, tricksOn(g.config)])).toEqual([
      ['plain', true, []],
      ['regularised', false, ['labelSmoothing', 'mixup']],
    ]);
    expect(runs.map((r) => r.key)).toEqual(['g0-s9', 'g1-s9']);
  });

  it('switches off a varied trick the baseline had on; leaves the others alone', () => {
    const withOn = makeConfig({ ...baseline, tricks: { cosine: { enabled: true, params: {} }, warmup: { enabled: true, params: {} } } });
    const { groups } = expandPlan(createPlan(withOn, { tricks: ['cosine'], seeds: [1] }));
    expect(tricksOn(groups[0].config)).toEqual(['warmup']);
    expect(tricksOn(groups[1].config)).toEqual(['cosine', 'warmup']);
  });

  it('splits a plan into shards that together hold every run once', () => {
    const { runs } = expandPlan(createPlan(baseline, { tricks: ['cosine', 'mixup'], seeds: [1, 2, 3] }));
    const parts = [1, 2, 3, 4].map((k) => shardRuns(runs, k, 4).map((r) => r.key));
    expect(parts[0]).toEqual(['g0-s1', 'g1-s2', 'g2-s3']);
    expect(parts.flat().sort()).toEqual(runs.map((r) => r.key).sort());
    expect(() => shardRuns(runs, 5, 4)).toThrow(/1 ≤ k ≤ n/);
  });

  it('seedRange and inapplicable tricks', () => {
    expect(seedRange(3, 4)).toEqual([3, 4, 5, 6]);
    // At the top of the 32-bit range the seeds wrap to 0, and a plan made there validates.
    expect(seedRange(4294967295, 3)).toEqual([4294967295, 0, 1]);
    expect(seedRange(4294967294, 2)).toEqual([4294967294, 4294967295]);
    const top = createPlan(makeConfig({ run: { seed: 4294967295 } }));
    expect(top.seeds).toEqual([4294967295, 0]);
    expect(validatePlan(top).seeds).toEqual([4294967295, 0]);
    const noDecay = makeConfig({ ...baseline, optim: { ...baseline.optim, weightDecay: 0 } });
    expect(inapplicableTricks(createPlan(noDecay, { tricks: ['noBiasDecay', 'cosine'] }))).toEqual([
      { id: 'noBiasDecay', reason: expect.stringMatching(/weight decay is 0/) },
    ]);
  });
});

describe('factorial designs', () => {
  const eight = ['warmup', 'zeroGamma', 'noBiasDecay', 'cosine', 'labelSmoothing', 'mixup', 'cutmix', 'fp16'];

  it("'factorial-iv' over 8 tricks: 16 configs, the all-off baseline first as reference, each trick on in half", () => {
    const { groups, runs } = expandPlan(createPlan(baseline, { mode: 'factorial-iv', tricks: eight, seeds: [1, 2] }));
    expect(groups).toHaveLength(16);
    expect(runs).toHaveLength(32);
    expect(groups[0]).toMatchObject({ label: 'baseline', isReference: true, tricks: [] });
    // Row 1 switches warmup (A) on and with it F = ACD, G = ABC, H = ABD.
    expect(groups[1].label).toBe('+ warmup + mixup + cutmix + fp16');
    for (const id of eight) expect(groups.filter((g) => g.tricks.includes(id))).toHaveLength(8);
    expect(tricksOn(groups[1].config)).toEqual(['cutmix', 'fp16', 'mixup', 'warmup']);
    expect(groups[1].config.tricks.labelSmoothing.enabled).toBe(false);
  });

  it("'factorial-v' over 8 tricks: 64 configs; the run limit counts the design's size", () => {
    expect(expandPlan(createPlan(baseline, { mode: 'factorial-v', tricks: eight, seeds: [1] })).groups).toHaveLength(64);
    const big = createPlan(baseline, { mode: 'factorial-v', tricks: [...eight, 'linearScaling', 'distillation'], seeds: seedRange(1, 4) });
    expect(() => validatePlan(big)).toThrow(/the plan has 512 runs; at most 500/);
  });

  it('refuses a factorial over fewer than 2 tricks, saying so', () => {
    expect(() => validatePlan(createPlan(baseline, { mode: 'factorial-iv', tricks: ['cosine'], seeds: [1] }))).toThrow(/tricks: a resolution IV factorial design takes 2 to 12 tricks \(got 1\)/);
  });
});

describe('validatePlan', () => {
  const good = (): Plan => JSON.parse(JSON.stringify(createPlan(baseline, { tricks: ['cosine'], seeds: [1, 2] })));
  const fieldOf = (patch: (p: Record<string, unknown>) => void): string => {
    const p = good() as unknown as Record<string, unknown>;
    patch(p);
    try {
      validatePlan(p);
    } catch (err) {
      expect(err).toBeInstanceOf(PlanError);
      return (err as PlanError).field;
    }
    return 'valid';
  };

  it('accepts a JSON round trip of a created plan', () => {
    expect(validatePlan(good())).toEqual(good());
  });

  it('names the field of each problem', () => {
    expect(fieldOf((p) => (p.extra = 1))).toBe('extra');
    expect(fieldOf((p) => delete p.seeds)).toBe('seeds');
    expect(fieldOf((p) => (p.schemaVersion = 2))).toBe('schemaVersion');
    expect(fieldOf((p) => (p.mode = 'grid'))).toBe('mode');
    expect(fieldOf((p) => ((p.baseline as { optim: { lr: number } }).optim.lr = -1))).toBe('baseline.optim.lr');
    expect(fieldOf((p) => (p.tricks = ['cosine', 'warpdrive']))).toBe('tricks.1');
    expect(fieldOf((p) => (p.tricks = ['cosine', 'cosine']))).toBe('tricks');
    // A draft without tricks is valid (it runs the baseline alone).
    expect(fieldOf((p) => (p.tricks = []))).toBe('valid');
    expect(fieldOf((p) => (p.seeds = []))).toBe('seeds');
    expect(fieldOf((p) => (p.seeds = [1, 1.5]))).toBe('seeds.1');
    expect(fieldOf((p) => (p.seeds = seedRange(0, 21)))).toBe('seeds');
    expect(fieldOf((p) => ((p.mode = 'custom'), (p.variants = [{ label: 'x', tricks: ['nope'] }])))).toBe('variants.0.tricks.0');
    expect(fieldOf((p) => ((p.mode = 'custom'), (p.variants = [{ label: 'x', tricks: [], colour: 'red' }])))).toBe('variants.0.colour');
  });
});

describe('estimatePlan', () => {
  const plan = createPlan(baseline, { tricks: ['cosine', 'mixup'], seeds: [1, 2] });
  const { runs } = expandPlan(plan);
  const trainImages = () => 128;

  it('counts the multiply-adds of ResNet-20 (≈ 41 M, He et al. 2016) and scales with width² and resolution²', () => {
    const r20 = makeConfig().model;
    expect(forwardMacs(r20, 32)).toBeCloseTo(42.91, 1);
    expect(forwardMacs({ ...r20, widthMultiplier: 2 }, 32) / forwardMacs(r20, 32)).toBeCloseTo(4, 1);
    expect(forwardMacs(r20, 64) / forwardMacs(r20, 32)).toBeCloseTo(4, 5);
  });

  it('uses the stated default when nothing was measured', () => {
    const e = estimatePlan(runs, trainImages, []);
    expect(e.basis).toBe('default');
    expect(e.note).toContain(`${DEFAULT_IMAGES_PER_SECOND} images/s`);
    const rate = (DEFAULT_IMAGES_PER_SECOND * forwardMacs(makeConfig().model, 32)) / forwardMacs(baseline.model, 16);
    expect(e.runs[0].imagesPerSecond).toBeCloseTo(rate, 6);
    // 6 runs × 2 epochs × 128 images at that rate.
    expect(e.totalSeconds).toBeCloseTo((6 * 2 * 128) / rate, 6);
  });

  it('uses the median of earlier runs of the same model on the same backend', () => {
    const macs = forwardMacs(baseline.model, 16);
    const samples: ThroughputSample[] = [
      { backend: 'webgpu', macs, imagesPerSecond: 100 },
      { backend: 'webgpu', macs, imagesPerSecond: 300 },
      { backend: 'webgpu', macs, imagesPerSecond: 200 },
      { backend: 'cpu', macs, imagesPerSecond: 5 },
    ];
    const e = estimatePlan(runs, trainImages, samples, 'webgpu');
    expect(e.basis).toBe('measured');
    expect(e.runs.every((r) => r.imagesPerSecond === 200)).toBe(true);
    expect(e.totalSeconds).toBeCloseTo((6 * 2 * 128) / 200, 9);
    expect(estimatePlan(runs, trainImages, samples, 'cpu').totalSeconds).toBeCloseTo((6 * 2 * 128) / 5, 9);
  });

  it('counts training images as prepareData does (held-out fraction, limit)', () => {
    const c = makeConfig({ data: { valFraction: 0.1, trainLimit: null } });
    expect(trainImagesFor(c, { trainCount: 5000, testCount: 0 })).toBe(4500);
    expect(trainImagesFor(c, { trainCount: 50000, testCount: 10000 })).toBe(50000);
    expect(trainImagesFor(makeConfig({ data: { trainLimit: 256 } }), { trainCount: 5000, testCount: 0 })).toBe(256);
  });

  it('scales the nearest measured model by multiply-adds', () => {
    const macs = forwardMacs(baseline.model, 16);
    const e = estimatePlan(runs, trainImages, [{ backend: 'webgpu', macs: macs * 2, imagesPerSecond: 50 }]);
    expect(e.basis).toBe('scaled');
    expect(e.runs[0].imagesPerSecond).toBeCloseTo(100, 9);
  });
});
