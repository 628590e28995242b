// Warmup: i·η/m at step i (1-based) of m, then the inner schedule; the run must be longer.
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { buildLrSchedule } from '../train/schedule';
import { isEnabled } from './types';
import { warmup, withWarmup } from './warmup';
import { withTrick } from '../../../test/support/testHarness';

// 10 epochs of 10 steps, constant η = 0.1; warmup 5 epochs = m = 50 steps.
const config = (patch: Parameters<typeof makeConfig>[0] = {}) =>
  withTrick(warmup, true, makeConfig({ schedule: { kind: 'constant' }, run: { epochs: 10 }, ...patch }));

describe('warmup', () => {
  it('rises as i·η/m: η/m at step 1, η/2 at step m/2, η at step m', () => {
    const { lr } = buildLrSchedule(config(), 10);
    expect(lr(0)).toBeCloseTo(0.1 / 50, 15); // step i = 1: not zero
    expect(lr(24)).toBeCloseTo(0.05, 15); // i = 25 = m/2
    expect(lr(49)).toBeCloseTo(0.1, 15); // i = m
    expect(lr(50)).toBeCloseTo(0.1, 15); // the inner schedule from here on
    expect(lr(99)).toBeCloseTo(0.1, 15);
  });

  it('is linear in between: equal increments of η/m', () => {
    const { lr } = buildLrSchedule(config(), 10);
    for (let s = 1; s < 50; s++) expect(lr(s) - lr(s - 1)).toBeCloseTo(0.1 / 50, 12);
  });

  it('wraps the step decay and takes its length in epochs from the parameter', () => {
    const c = config({ schedule: { kind: 'step', milestones: [0.5], gamma: 0.1 } });
    c.tricks.warmup.params.epochs = 2; // m = 20
    const { lr } = buildLrSchedule(c, 10);
    expect(lr(9)).toBeCloseTo(0.05, 15);
    expect(lr(19)).toBeCloseTo(0.1, 15);
    expect(lr(49)).toBeCloseTo(0.1, 15);
    expect(lr(50)).toBeCloseTo(0.01, 15);
  });

  it('does not apply when it would last the whole run, and says why', () => {
    const c = config({ run: { epochs: 5 } });
    expect(warmup.notApplicable?.(c)).toMatch(/shorter than the run/);
    expect(isEnabled(warmup, c)).toBe(false);
  });

  it('withWarmup over zero steps is the inner schedule', () => {
    const inner = (s: number) => 1 / (s + 1);
    expect(withWarmup(inner, 0)).toBe(inner);
  });
});
