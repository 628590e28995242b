// Linear scaling: η = 0.1 × b / 256 by hand, replacing the config's base LR, under step decay.
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { buildLrSchedule } from '../train/schedule';
import { linearScaledLr, linearScaling } from './linearScaling';
import { withTrick } from '../../../test/support/testHarness';

const config = (batchSize: number, lr = 0.1) => withTrick(linearScaling, true, makeConfig({ optim: { batchSize, lr }, run: { epochs: 10 } }));

describe('linear scaling', () => {
  it('gives 0.2 for batch 512 and 0.05 for batch 128 (0.1 × b / 256)', () => {
    expect(buildLrSchedule(config(512), 10).lr(0)).toBeCloseTo(0.2, 12);
    expect(buildLrSchedule(config(128), 10).lr(0)).toBeCloseTo(0.05, 12);
  });

  it('replaces the configured base LR', () => {
    expect(buildLrSchedule(config(512, 0.7), 10).lr(0)).toBeCloseTo(0.2, 12);
  });

  it('uses its parameters: 0.4 per 1024 images at batch 512 is 0.2', () => {
    expect(linearScaledLr(512, { lrPerReference: 0.4, referenceBatch: 1024 })).toBeCloseTo(0.2, 12);
  });

  it('keeps the step decay: ×0.1 at 50% and again at 75% of the run', () => {
    const { lr } = buildLrSchedule(config(512), 10);
    expect(lr(49)).toBeCloseTo(0.2, 12);
    expect(lr(50)).toBeCloseTo(0.02, 12);
    expect(lr(80)).toBeCloseTo(0.002, 12);
  });
});
