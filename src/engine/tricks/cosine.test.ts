// Cosine decay: ½(1 + cos(tπ/T))·η, with t counted from the end of warmup when warmup is on.
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { buildLrSchedule } from '../train/schedule';
import { cosine, cosineSchedule } from './cosine';
import { linearScaling } from './linearScaling';
import { withTrick } from '../../../test/support/testHarness';
import { warmup } from './warmup';

// 10 epochs × 10 steps = 100 steps, η = 0.1.
const base = () => withTrick(cosine, true, makeConfig({ run: { epochs: 10 } }));

describe('cosine decay', () => {
  it('is η at t = 0, η/2 at t = T/2 and 0 at t = T, replacing the step decay', () => {
    const { lr } = buildLrSchedule(base(), 10);
    expect(lr(0)).toBeCloseTo(0.1, 15);
    expect(lr(25)).toBeCloseTo(0.05 * (1 + Math.cos(Math.PI / 4)), 15);
    expect(lr(50)).toBeCloseTo(0.05, 15); // the step decay would give 0.01 here
    expect(lr(100)).toBeCloseTo(0, 15);
    expect(lr(99)).toBeCloseTo(0.05 * (1 + Math.cos((99 * Math.PI) / 100)), 15);
  });

  it('starts after warmup: T is the steps that remain', () => {
    const c = withTrick(warmup, true, base()); // 5 epochs = 50 steps; T = 50
    const { lr } = buildLrSchedule(c, 10);
    expect(lr(0)).toBeCloseTo(0.1 / 50, 15);
    expect(lr(49)).toBeCloseTo(0.1, 15);
    expect(lr(50)).toBeCloseTo(0.1, 15); // t = 0
    expect(lr(75)).toBeCloseTo(0.05, 15); // t = T/2
    expect(lr(100)).toBeCloseTo(0, 15); // t = T
  });

  it('decays from the linearly scaled rate', () => {
    const c = withTrick(linearScaling, true, base());
    c.optim.batchSize = 512;
    const { lr } = buildLrSchedule(c, 10);
    expect(lr(0)).toBeCloseTo(0.2, 12);
    expect(lr(50)).toBeCloseTo(0.1, 12);
  });

  it('holds η before its start and 0 after its end', () => {
    const s = cosineSchedule(2, 10, 20);
    expect([s(0), s(10), s(20), s(30), s(40)].map((v) => +v.toFixed(12))).toEqual([2, 2, 1, 0, 0]);
  });
});
