// The queue runner on its own (no storage, no worker): it starts only in the owning tab, takes
// the first run it can claim, shows a run another tab claimed as stored and goes on, and says
// when a resumed run's checkpoint is gone.
import { describe, expect, it } from 'vitest';
import { tinyConfig } from '../../test/support/testRuns';
import type { LabRun } from '../engine/lab/types';
import type { WorkerRequest } from '../worker/protocol';
import { INITIAL_LAB_STATE, type LabState } from './foldLabEvent';
import { createQueueRunner, type WorkerStatus } from './queueRunner';
import { claimRule, type RuleResult } from './runRules';

const ready: WorkerStatus = {
  backend: { name: 'cpu', fallbackReason: null, adapter: null },
  dataset: { name: 'synthetic', id: 'synthetic', trainCount: 96, testCount: 32, classNames: [] },
  busy: false,
};
const run = (id: string, patch: Partial<LabRun> = {}): LabRun => ({
  id, label: id, planKey: null, reference: false, config: tinyConfig, status: 'queued', message: null, epochs: [], steps: [], result: null,
  source: 'local', origin: null, teacherRunId: null, checkpointEpoch: null, hasWeights: false, createdAt: '', ...patch,
});

function setup(runs: LabRun[], owner: LabState['queueOwner'], claim: (r: LabRun) => RuleResult = claimRule) {
  let state: LabState = { ...INITIAL_LAB_STATE, loaded: true, queueOwner: owner, queueRunning: true, runs };
  const saved: string[][] = [];
  const sent: Extract<WorkerRequest, { type: 'start' }>[] = [];
  const runner = createQueueRunner({
    get: () => state,
    commit: (next, save) => void ((state = next), saved.push([...save])),
    workerStatus: () => ready,
    claim: async (r) => claim(r),
    loadWeights: async () => undefined,
    loadCheckpoint: async () => undefined,
    send: (r) => void sent.push(r),
  });
  return { runner, sent, saved, state: () => state };
}

describe('queue runner', () => {
  it('starts nothing unless this tab owns the queue', async () => {
    for (const owner of ['elsewhere', 'gone', 'pending'] as const) {
      const t = setup([run('a')], owner);
      await t.runner.next();
      expect(t.sent).toEqual([]);
    }
  });

  it('a run another tab claimed is shown as stored, and the next one starts', async () => {
    const t = setup([run('a'), run('b')], 'here', (r) => (r.id === 'a' ? { refused: 'taken', stored: { ...r, status: 'finished' } } : claimRule(r)));
    await t.runner.next();
    expect(t.sent.map((s) => s.runId)).toEqual(['b']);
    expect(t.state().runs.map((r) => r.status)).toEqual(['finished', 'running']);
    expect(t.state().activeRunId).toBe('b');
    // The refused run was not written back; the started one was.
    expect(t.saved).toEqual([[], ['b']]);
  });

  it('a resume whose checkpoint is gone starts from the beginning and says so', async () => {
    const t = setup([run('a', { checkpointEpoch: 2, epochs: [{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valTop1: 0.5, valTop5: 0.9, lr: 0.1, seconds: 1, imagesPerSecond: 1 }] })], 'here');
    await t.runner.next();
    expect(t.sent[0].lab?.resumeFrom).toBeUndefined();
    expect(t.state().runs[0]).toMatchObject({ status: 'running', checkpointEpoch: null, epochs: [], message: 'its checkpoint after epoch 2 is gone: restarted from the beginning' });
  });

  it('with nothing left to run, the queue stops', async () => {
    const t = setup([run('a', { status: 'finished' })], 'here');
    await t.runner.next();
    expect(t.state().queueRunning).toBe(false);
    expect(t.sent).toEqual([]);
  });
});
