import { describe, expect, it } from 'vitest';
import { createPlan } from '../engine/lab/plan';
import { tinyConfig } from '../../test/support/testRuns';
import type { DatasetInfo } from '../worker/protocol';
import { queueProblem } from './labRuns';

const loaded: DatasetInfo = { id: 'synthetic', name: 'Synthetic', trainCount: 5000, testCount: 1000, classNames: [] };

describe('queueing a plan made for a dataset', () => {
  it('is refused on another set, naming both', () => {
    const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1], dataset: { id: 'cifar10', name: 'CIFAR-10', trainCount: 50000, testCount: 10000 } });
    expect(queueProblem(plan, null, loaded)).toBe(
      'This plan was made for CIFAR-10 (50,000 training, 10,000 test images), but Synthetic (5,000 training, 1,000 test images) is loaded. Load CIFAR-10 in the planner, or plan for the loaded set.',
    );
  });

  it('is allowed on the recorded set, and for a plan that records none', () => {
    expect(queueProblem(createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1], dataset: { ...loaded, name: 'synthetic copy' } }), null, loaded)).toBeNull();
    expect(queueProblem(createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1] }), null, loaded)).toBeNull();
  });
});
