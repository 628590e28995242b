// What the UI shows before a run: planned steps per epoch (matching the loop's dropped last
// batch), the sampled LR curve (jumps kept sharp), ETA and durations.
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import type { StepEvent } from '../engine/events';
import { etaSeconds, EXACT_SCHEDULE_STEPS, plannedStepsPerEpoch, sampleSchedule, trainImages } from './runPlan';

const cifar = { name: 'CIFAR-10', id: 'cifar10' as const, trainCount: 10_000, testCount: 0, classNames: [] };
const synthetic = { name: 'synthetic', id: 'synthetic' as const, trainCount: 5000, testCount: 1000, classNames: [] };

describe('plannedStepsPerEpoch', () => {
  it('holds out the validation fraction when there is no test split', () => {
    const config = makeConfig({ optim: { batchSize: 128 }, data: { valFraction: 0.1 } });
    expect(trainImages(config, cifar)).toBe(9000);
    expect(plannedStepsPerEpoch(config, cifar)).toBe(70); // floor(9000 / 128)
    expect(plannedStepsPerEpoch(config, synthetic)).toBe(39); // floor(5000 / 128)
  });

  it('applies the training-set limit', () => {
    const config = makeConfig({ optim: { batchSize: 32 }, data: { trainLimit: 300 } });
    expect(plannedStepsPerEpoch(config, synthetic)).toBe(9); // floor(300 / 32)
  });
});

describe('sampleSchedule', () => {
  it('keeps both sides of a step decay and the last step', () => {
    const lr = (s: number) => (s < 500 ? 0.1 : 0.01);
    const points = sampleSchedule(lr, 1000, 10); // every 100th step
    expect(points.length).toBeLessThanOrEqual(13);
    expect(points).toContainEqual({ step: 500, lr: 0.1 });
    expect(points).toContainEqual({ step: 501, lr: 0.01 });
    expect(points[0]).toEqual({ step: 1, lr: 0.1 });
    expect(points.at(-1)).toEqual({ step: 1000, lr: 0.01 });
  });

  it('reads only its samples of a run too long to scan (a billion epochs typed in does not freeze the page)', () => {
    let calls = 0;
    const lr = (s: number) => {
      calls++;
      return s < 2e10 ? 0.1 : 0.01;
    };
    const total = 39e9; // 1e9 epochs of 39 steps
    const points = sampleSchedule(lr, total, 240);
    expect(calls).toBeLessThanOrEqual(241);
    expect(points.length).toBeLessThanOrEqual(241);
    expect(points[0]).toEqual({ step: 1, lr: 0.1 });
    expect(points.at(-1)).toEqual({ step: total, lr: 0.01 });
    // Just past the exact limit it samples too; at it, every step is read.
    calls = 0;
    sampleSchedule(lr, EXACT_SCHEDULE_STEPS + 1, 240);
    expect(calls).toBeLessThanOrEqual(241);
    calls = 0;
    sampleSchedule(lr, EXACT_SCHEDULE_STEPS, 240);
    expect(calls).toBe(EXACT_SCHEDULE_STEPS);
  });
});

describe('eta and durations', () => {
  it('extrapolates the time per step', () => {
    const e = { step: 10, totalSteps: 40, elapsedSeconds: 5 } as StepEvent;
    expect(etaSeconds(e)).toBe(15);
  });
});
