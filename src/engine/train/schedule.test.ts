import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { buildLrSchedule, stepsPerEpoch } from './schedule';

describe('baseline LR schedule', () => {
  it('is 0.1, then ×0.1 at 50% and ×0.01 at 75% of the epochs (He et al. 2016)', () => {
    const config = makeConfig({ run: { epochs: 160 } });
    const { lr, totalSteps } = buildLrSchedule(config, 391);
    expect(totalSteps).toBe(160 * 391);
    expect(lr(0)).toBeCloseTo(0.1, 12);
    expect(lr(80 * 391 - 1)).toBeCloseTo(0.1, 12);
    expect(lr(80 * 391)).toBeCloseTo(0.01, 12);
    expect(lr(120 * 391 - 1)).toBeCloseTo(0.01, 12);
    expect(lr(120 * 391)).toBeCloseTo(0.001, 12);
    expect(lr(totalSteps - 1)).toBeCloseTo(0.001, 12);
  });

  it('is flat for the constant kind', () => {
    const { lr } = buildLrSchedule(makeConfig({ optim: { lr: 0.05 }, schedule: { kind: 'constant' } }), 10);
    expect([lr(0), lr(100), lr(10_000)]).toEqual([0.05, 0.05, 0.05]);
  });

  it('drops the last partial batch when counting steps', () => {
    expect(stepsPerEpoch(50_000, 128)).toBe(390);
    expect(stepsPerEpoch(512, 32)).toBe(16);
  });
});
