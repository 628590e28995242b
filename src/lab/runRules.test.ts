// Each edit judged against the stored run: the stale copy never moves a run backwards.
import { describe, expect, it } from 'vitest';
import { fakeResult, tinyConfig } from '../../test/support/testRuns';
import type { LabRun } from '../engine/lab/types';
import { cancelRule, claimRule, moveRule, orphanRule, overwriteRefusal, resumeRule, retryRule } from './runRules';

const run = (patch: Partial<LabRun>): LabRun => ({
  id: 'r', label: 'baseline', planKey: null, reference: true, config: tinyConfig, status: 'queued', message: null, epochs: [], steps: [], result: null,
  source: 'local', origin: null, teacherRunId: null, checkpointEpoch: null, hasWeights: false, createdAt: '2025-01-01T00:00:00.000Z', ...patch,
});
const finished = run({ status: 'finished', result: fakeResult(tinyConfig, 0.5), hasWeights: true });
const seed = tinyConfig.run.seed;

describe('run rules', () => {
  it('cancel and move act on queued runs and refuse a finished one, naming it', () => {
    expect(cancelRule(run({}))).toEqual({ run: run({ status: 'cancelled' }) });
    expect(cancelRule(run({ status: 'interrupted' }))).toEqual({ run: run({ status: 'cancelled' }) });
    expect(cancelRule(finished)).toEqual({ refused: `"baseline" (seed ${seed}) has finished (in another tab or before): it was not cancelled.`, stored: finished });
    expect(moveRule(run({}))).toEqual({ run: run({}) });
    expect(moveRule(finished)).toEqual({ refused: `"baseline" (seed ${seed}) has finished (in another tab or before): only queued runs move.`, stored: finished });
    expect(cancelRule(run({ status: 'running' }))).toMatchObject({ refused: expect.stringContaining('is running') });
  });

  it('retry queues an ended run afresh; a queued or running one is refused', () => {
    expect(retryRule(finished)).toEqual({ run: run({ status: 'queued' }) });
    expect(retryRule(run({}))).toMatchObject({ refused: expect.stringContaining('is queued') });
    expect(retryRule(run({ status: 'finished', source: 'imported' }))).toMatchObject({ refused: expect.stringContaining('imported') });
  });

  it('resume says from where: the checkpoint\'s epoch, or the beginning; a queued run is not resumed twice', () => {
    expect(resumeRule(run({ status: 'interrupted', checkpointEpoch: 2 }))).toEqual({ run: run({ status: 'queued', checkpointEpoch: 2, message: 'resumes after epoch 2' }) });
    expect(resumeRule(run({ status: 'interrupted' }))).toEqual({ run: run({ status: 'queued', message: 'no checkpoint: restarts from the beginning' }) });
    expect(resumeRule(run({ status: 'queued', checkpointEpoch: 2 }))).toMatchObject({ refused: expect.stringContaining('it was not resumed') });
  });

  it('only a queued run is claimed; only a running one is orphaned', () => {
    expect(claimRule(run({ message: 'resumes after epoch 1' }))).toEqual({ run: run({ status: 'running' }) });
    expect('refused' in claimRule(run({ status: 'running' }))).toBe(true);
    expect(orphanRule(run({ status: 'running', checkpointEpoch: 3 }))).toEqual({ run: run({ status: 'interrupted', checkpointEpoch: 3, message: 'interrupted after epoch 3' }) });
    expect('refused' in orphanRule(finished)).toBe(true);
  });

  it('a whole-record write never puts an unended copy over an ended run', () => {
    for (const status of ['queued', 'running', 'interrupted', 'cancelled'] as const) expect(overwriteRefusal(finished, run({ status }))).toMatch(/has finished; a stale copy/);
    expect(overwriteRefusal(finished, { ...finished, hasWeights: false })).toBeNull();
    expect(overwriteRefusal(run({}), finished)).toBeNull();
    expect(overwriteRefusal(run({ status: 'running' }), run({ status: 'interrupted' }))).toBeNull();
  });
});
