import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { csvField, resultsCsv } from './csv';
import { band, runSeries, smooth } from './curves';
import { createPlan, expandPlan } from './plan';
import { groupKey, sortRows, stat, summarise } from './summary';
import { fakeResult, labRun, tinyConfig } from '../../../test/support/testRuns';

// Baseline + cosine alone + mixup alone, seeds 1 and 2, with hand-picked accuracies.
const { runs: planned } = expandPlan(createPlan(tinyConfig, { tricks: ['cosine', 'mixup'], seeds: [1, 2] }));
const top1: Record<string, number> = { 'g0-s1': 0.5, 'g0-s2': 0.6, 'g1-s1': 0.62, 'g1-s2': 0.68, 'g2-s1': 0.4, 'g2-s2': 0.44 };
const runs = planned.map((p) =>
  labRun(p.key, p.config, fakeResult(p.config, top1[p.key], { bestValTop1: top1[p.key] + 0.01, wallSeconds: p.seed * 10 }), { planKey: p.key, reference: p.group === 0 }),
);

describe('summarise', () => {
  it('groups seeds of a config, gives mean ± sample std, and paired Δ against the reference', () => {
    const rows = summarise(runs);
    expect(rows.map((r) => r.label)).toEqual(['baseline', '+ Cosine learning rate decay', '+ Mixup training']);
    expect(rows.map((r) => r.isReference)).toEqual([true, false, false]);
    const [base, cos, mix] = rows;
    expect(base.finalTop1?.mean).toBeCloseTo(0.55, 12);
    // Sample std of {0.5, 0.6}: |0.1| / √2.
    expect(base.finalTop1?.std).toBeCloseTo(0.1 / Math.SQRT2, 12);
    // Per-seed differences: cosine {0.12, 0.08}, mean 0.10, sd 0.02·√2, half-width t(0.975, 1)·0.02 = 0.254124.
    expect(cos.delta?.mean).toBeCloseTo(0.1, 12);
    expect(cos.delta?.pairs.map((p) => p.difference)).toEqual([0.62 - 0.5, 0.68 - 0.6]);
    expect(cos.delta?.low).toBeCloseTo(0.1 - 12.7062047 * 0.02, 6);
    expect(cos.delta?.high).toBeCloseTo(0.1 + 12.7062047 * 0.02, 6);
    expect(cos.delta?.excludesZero).toBe(false);
    expect(mix.delta?.mean).toBeCloseTo(0.42 - 0.55, 12);
    expect(base.delta?.mean).toBe(0);
    expect(cos.peakTop1?.mean).toBeCloseTo(0.66, 12);
    expect(cos.seeds).toEqual([1, 2]);
    expect(cos.tricks).toEqual(['cosine']);
    expect(cos.wallSeconds?.mean).toBe(15);
    expect(cos.counts).toMatchObject({ seeds: 2, finished: 2, diverged: 0 });
  });

  it('a diverged seed is counted and left out of the pairs; a chosen reference key wins', () => {
    const seed3 = (c: typeof runs[number]['config']) => ({ ...c, run: { ...c.run, seed: 3 } });
    const extra = [
      labRun('b3', seed3(runs[0].config), fakeResult(seed3(runs[0].config), 0.58)),
      labRun('c3', seed3(runs[1].config), { ...fakeResult(seed3(runs[1].config), 0.1), status: 'diverged', final: null }),
      labRun('m3', seed3(runs[2].config), null),
    ];
    const rows = summarise([...runs, ...extra]);
    const cos = rows[1];
    expect(cos.counts).toMatchObject({ seeds: 3, finished: 2, diverged: 1 });
    expect(cos.delta?.n).toBe(2);
    expect(cos.delta?.pairs.map((p) => p.seed)).toEqual([1, 2]);
    expect(rows[2].counts).toMatchObject({ seeds: 3, finished: 2, pending: 1 });
    const flipped = summarise([...runs, ...extra], groupKey(runs[1].config));
    expect(flipped[1].isReference).toBe(true);
    expect(flipped[0].delta?.mean).toBeCloseTo(0.55 - 0.65, 12);
  });

  it('without a marked reference, Δ is against the first config', () => {
    const rows = summarise(runs.map((r) => ({ ...r, reference: false })).reverse());
    expect(rows[0].label).toBe('+ Mixup training');
    expect(rows[0].isReference).toBe(true);
    expect(rows.find((r) => r.label === 'baseline')?.delta?.mean).toBeCloseTo(0.55 - 0.42, 12);
  });

  it('groupKey ignores seed and name but not the rest', () => {
    const a = makeConfig({ name: 'a', run: { seed: 1 } });
    expect(groupKey(a)).toBe(groupKey(makeConfig({ name: 'b', run: { seed: 2 } })));
    expect(groupKey(a)).not.toBe(groupKey(makeConfig({ run: { seed: 1, epochs: 3 } })));
  });

  it('sorts by a column either way, missing values last', () => {
    const rows = [...summarise(runs), { ...summarise(runs)[0], key: 'none', label: 'queued', finalTop1: null, delta: null }];
    expect(sortRows(rows, 'finalTop1', true).map((r) => r.label)).toEqual(['+ Cosine learning rate decay', 'baseline', '+ Mixup training', 'queued']);
    expect(sortRows(rows, 'delta', false).map((r) => r.label)).toEqual(['+ Mixup training', 'baseline', '+ Cosine learning rate decay', 'queued']);
    expect(sortRows(rows, 'label', false)[0].label).toBe('+ Cosine learning rate decay');
  });

  it('stat', () => {
    expect(stat([])).toBeNull();
    expect(stat([3])).toEqual({ mean: 3, std: 0, n: 1 });
    expect(stat([1, 2, 3, 4])?.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});

describe('resultsCsv', () => {
  it('writes a header and one row per config with percentages', () => {
    const lines = resultsCsv(summarise(runs)).split('\r\n');
    expect(lines[0]).toBe(
      'config,tricks,reference,seeds_total,seeds_finished,seeds_diverged,seeds_failed,seed_status,seeds,final_top1_mean_pct,final_top1_std_pct,peak_top1_mean_pct,peak_top1_std_pct,final_top5_mean_pct,final_top5_std_pct,delta_top1_pct,delta_top1_ci95_low_pct,delta_top1_ci95_high_pct,delta_pairs,wall_seconds_mean,images_per_second_mean',
    );
    // The reference against itself: every difference is 0, so the interval is [0, 0].
    expect(lines[1]).toBe('baseline,,yes,2,2,0,0,2 of 2 seeds finished,1 2,55.00,7.07,56.00,7.07,90.00,0.00,0.00,0.00,0.00,2,15.0,24.0');
    // '+ …' would run as a formula in a spreadsheet: it is prefixed with an apostrophe. Interval: 10 ± 12.7062·2 points.
    expect(lines[2]).toBe("'+ Cosine learning rate decay,cosine,no,2,2,0,0,2 of 2 seeds finished,1 2,65.00,4.24,66.00,4.24,90.00,0.00,10.00,-15.41,35.41,2,15.0,24.0");
    expect(lines[3].split(',')[15]).toBe('-13.00');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(null)).toBe('');
  });
});

describe('curves', () => {
  it('averages seeds into a mean with a ±1 std band', () => {
    const b = band([
      [{ x: 1, y: 0.5 }, { x: 2, y: 0.7 }],
      [{ x: 1, y: 0.6 }, { x: 2, y: Number.NaN }],
    ]);
    expect(b[0].mean).toBeCloseTo(0.55, 12);
    expect(b[0].high - b[0].mean).toBeCloseTo(0.1 / Math.SQRT2, 12);
    expect(b[1]).toEqual({ x: 2, mean: 0.7, low: 0.7, high: 0.7, n: 1 });
  });

  it('smooths with a bias-corrected EMA (the first value is kept)', () => {
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = smooth([1, 3], 0.5);
    expect(s[0]).toBe(1);
    // (0.5·(0.5·1) + 0.5·3) / (1 − 0.25) = 1.75 / 0.75
    expect(s[1]).toBeCloseTo(1.75 / 0.75, 12);
  });

  it('reads a run\'s series per epoch or per step', () => {
    const r = runs[0];
    expect(runSeries(r, 'valTop1')).toEqual([{ x: 1, y: 0.5 }]);
    expect(runSeries(r, 'lr')).toEqual([{ x: 1, y: 0.1 }]);
    expect(runSeries(r, 'trainLoss', 0.9)).toEqual([{ x: 1, y: 1 }]);
  });
});
