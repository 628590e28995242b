import { describe, expect, it } from 'vitest';
import { countSeeds, describeSeeds, meanInterval, pairedDelta, seedOutcomes } from './pairedDelta';
import { fakeResult, labRun, tinyConfig } from '../../../test/support/testRuns';
import type { LabRunStatus } from './types';

const withSeed = (seed: number) => ({ ...tinyConfig, run: { ...tinyConfig.run, seed } });
const finished = (seed: number, top1: number) => labRun(`f${seed}-${top1}`, withSeed(seed), fakeResult(withSeed(seed), top1));
const ended = (seed: number, status: LabRunStatus) => labRun(`${status}${seed}`, withSeed(seed), null, { status });

describe('meanInterval', () => {
  it('mean ± t(0.975, n − 1)·sd/√n, worked by hand', () => {
    // {0.03, 0.04, 0.01}: mean 0.08/3; sd = √(4.6667e-4 / 2) = 0.0152753; half = 4.3026527 · 0.0152753 / √3 = 0.0379458.
    const i = meanInterval([0.03, 0.04, 0.01])!;
    expect(i.mean).toBeCloseTo(0.0266667, 7);
    expect(i.low).toBeCloseTo(0.0266667 - 0.0379458, 6);
    expect(i.high).toBeCloseTo(0.0266667 + 0.0379458, 6);
    expect(i.n).toBe(3);
  });

  it('one value: a mean without an interval; none: null', () => {
    expect(meanInterval([0.2])).toEqual({ mean: 0.2, low: null, high: null, n: 1 });
    expect(meanInterval([])).toBeNull();
  });
});

describe('pairedDelta', () => {
  it('pairs by seed over the seeds finished in both arms', () => {
    const ref = seedOutcomes([finished(1, 0.5), finished(2, 0.6), finished(3, 0.55), finished(4, 0.4)]);
    // Seed 4 is missing in the arm and seed 5 in the reference: neither is paired.
    const arm = seedOutcomes([finished(3, 0.575), finished(1, 0.52), finished(2, 0.63), finished(5, 0.9)]);
    const d = pairedDelta(ref, arm)!;
    expect(d.pairs.map((p) => p.seed)).toEqual([1, 2, 3]);
    expect(d.pairs[1]).toEqual({ seed: 2, reference: 0.6, value: 0.63, difference: 0.63 - 0.6 });
    // Differences {0.02, 0.03, 0.025}: mean 0.025, sd 0.005, half-width 4.3026527 · 0.005 / √3 = 0.0124207.
    expect(d.mean).toBeCloseTo(0.025, 12);
    expect(d.low).toBeCloseTo(0.0125793, 6);
    expect(d.high).toBeCloseTo(0.0374207, 6);
    expect(d.excludesZero).toBe(true);
  });

  it('an interval that straddles 0 is not marked; one pair has no interval', () => {
    const ref = seedOutcomes([finished(1, 0.5), finished(2, 0.6), finished(3, 0.55)]);
    const wide = pairedDelta(ref, seedOutcomes([finished(1, 0.53), finished(2, 0.64), finished(3, 0.56)]))!;
    expect(wide.low).toBeCloseTo(0.0266667 - 0.0379458, 6);
    expect(wide.excludesZero).toBe(false);
    const one = pairedDelta(ref, seedOutcomes([finished(2, 0.7), ended(1, 'diverged')]))!;
    expect(one).toMatchObject({ n: 1, low: null, high: null, excludesZero: false });
    expect(one.mean).toBeCloseTo(0.1, 12);
    expect(pairedDelta(ref, seedOutcomes([ended(1, 'failed')]))).toBeNull();
  });

  it('a seed run twice counts once, with the mean of its finished runs', () => {
    const out = seedOutcomes([finished(1, 0.4), ended(1, 'diverged'), finished(1, 0.6)]);
    expect(out.get(1)).toEqual({ value: 0.5 });
  });
});

describe('seed counts', () => {
  it('counts every seed by how it ended and says so', () => {
    const c = countSeeds(seedOutcomes([finished(1, 0.5), ended(2, 'diverged'), finished(3, 0.5)]));
    expect(c).toEqual({ seeds: 3, finished: 2, diverged: 1, failed: 0, stopped: 0, cancelled: 0, pending: 0 });
    expect(describeSeeds(c)).toBe('2 of 3 seeds finished; 1 diverged');
    const mixed = countSeeds(seedOutcomes([ended(1, 'failed'), ended(2, 'queued'), ended(3, 'interrupted'), ended(4, 'stopped')]));
    expect(describeSeeds(mixed)).toBe('0 of 4 seeds finished; 1 failed, 1 stopped, 2 to run');
    expect(describeSeeds(countSeeds(seedOutcomes([finished(7, 0.1)])))).toBe('1 of 1 seed finished');
  });
});
