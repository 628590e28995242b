// Every transition of a lab run under the worker's events, without storage or a worker.
import { describe, expect, it } from 'vitest';
import type { EpochEvent, StepEvent } from '../engine/events';
import { fakeResult, tinyConfig } from '../../test/support/testRuns';
import type { LabRun } from '../engine/lab/types';
import { MAX_STEP_SAMPLES } from '../engine/results';
import { foldLabEvent, INITIAL_LAB_STATE, type LabState } from './foldLabEvent';

function run(id: string, patch: Partial<LabRun> = {}): LabRun {
  return {
    id, label: id, planKey: null, reference: false, config: tinyConfig, status: 'queued', message: null, epochs: [], steps: [], result: null,
    source: 'local', origin: null, teacherRunId: null, checkpointEpoch: null, hasWeights: false, createdAt: '2025-01-01T00:00:00.000Z', ...patch,
  };
}
const lab = (runs: LabRun[], activeRunId: string | null = 'a'): LabState => ({ ...INITIAL_LAB_STATE, loaded: true, queueOwner: 'here', queueRunning: true, runs, activeRunId });
const step = (n: number): StepEvent => ({ kind: 'step', epoch: 1, step: n, totalSteps: 4, stepsPerEpoch: 2, loss: 2.5, lr: 0.1, imagesPerSecond: 40, elapsedSeconds: n });
const epoch: EpochEvent = { kind: 'epoch', totalEpochs: 2, epoch: 1, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 };

describe('foldLabEvent', () => {
  it('a step is shown (throttled) and not written; an epoch is written without its event fields', () => {
    const before = lab([run('a', { status: 'running' }), run('b')]);
    const ticked = foldLabEvent(before, { type: 'progress', runId: 'a', event: step(3) });
    expect(ticked.throttled).toBe(true);
    expect(ticked.save).toEqual([]);
    expect(ticked.state.lastStep?.step).toBe(3);
    expect(ticked.state.runs[0].steps).toEqual([{ step: 3, epoch: 1, loss: 2.5, lr: 0.1, imagesPerSecond: 40 }]);
    expect(ticked.state.runs[1]).toBe(before.runs[1]);

    const ended = foldLabEvent(ticked.state, { type: 'progress', runId: 'a', event: epoch });
    expect(ended).toMatchObject({ save: ['a'], throttled: false, stopped: null });
    expect(ended.state.runs[0].epochs).toEqual([{ epoch: 1, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 }]);
  });

  it('keeps at most MAX_STEP_SAMPLES samples', () => {
    const full = Array.from({ length: MAX_STEP_SAMPLES }, (_, i) => ({ step: i + 1, epoch: 1, loss: 1, lr: 0.1, imagesPerSecond: 1 }));
    const before = lab([run('a', { status: 'running', steps: full })]);
    const after = foldLabEvent(before, { type: 'progress', runId: 'a', event: step(MAX_STEP_SAMPLES + 1) });
    expect(after.state.runs[0].steps).toBe(full);
    expect(after.state.lastStep?.step).toBe(2001);
  });

  it('a done run takes its result, drops its checkpoint and frees the queue', () => {
    const before = lab([run('a', { status: 'running', checkpointEpoch: 1 })]);
    const result = fakeResult(tinyConfig, 0.375);
    const after = foldLabEvent(before, { type: 'done', runId: 'a', result });
    expect(after.stopped).toEqual({ runId: 'a', keepCheckpoint: false });
    expect(after.save).toEqual(['a']);
    expect(after.state.activeRunId).toBeNull();
    expect(after.state.runs[0]).toMatchObject({ status: 'finished', checkpointEpoch: null, result, epochs: result.epochs });
  });

  it('an error fails the run, unless the GPU was lost: then it stays interrupted with its checkpoint', () => {
    const failed = foldLabEvent(lab([run('a', { status: 'running' })]), { type: 'error', runId: 'a', message: 'boom' });
    expect(failed.state.runs[0]).toMatchObject({ status: 'failed', message: 'boom' });
    expect(failed.stopped?.keepCheckpoint).toBe(false);

    const lost = foldLabEvent(lab([run('a', { status: 'running', checkpointEpoch: 2 })]), { type: 'interrupted', runId: 'a', message: 'GPU lost', checkpointEpoch: 2, resuming: true });
    expect(lost.state.runs[0]).toMatchObject({ status: 'interrupted', message: 'GPU lost' });
    expect(lost.state.activeRunId).toBe('a');
    expect(lost.stopped).toBeNull();
    const gone = foldLabEvent(lost.state, { type: 'error', runId: 'a', message: 'no GPU' });
    expect(gone.state.runs[0]).toMatchObject({ status: 'interrupted', message: 'no GPU', checkpointEpoch: 2 });
    expect(gone.stopped).toEqual({ runId: 'a', keepCheckpoint: true });
  });

  it('a resumed run shows the checkpoint\'s metrics again', () => {
    const before = lab([run('a', { status: 'interrupted', steps: [{ step: 9, epoch: 2, loss: 1, lr: 0.1, imagesPerSecond: 1 }] })]);
    const after = foldLabEvent(before, { type: 'resumed', runId: 'a', fromEpoch: 1, fromStep: 4, epochs: [], steps: [] });
    expect(after.state.runs[0]).toMatchObject({ status: 'running', message: 'resumed after epoch 1 (the GPU was lost)', steps: [] });
  });

  it('a restarted worker interrupts the active run and says where Resume continues', () => {
    const withCheckpoint = foldLabEvent(lab([run('a', { status: 'running', checkpointEpoch: 3 })]), { type: 'workerRestarted', message: 'The worker stopped answering.' });
    expect(withCheckpoint.state.runs[0].message).toBe('The worker stopped answering. The run was interrupted; Resume continues it from its checkpoint after epoch 3.');
    const without = foldLabEvent(lab([run('a', { status: 'running' })]), { type: 'workerRestarted', message: 'Crashed.' });
    expect(without.state.runs[0].message).toBe('Crashed. The run was interrupted; Resume continues it from the beginning.');
  });

  it('a worker restarted for not answering Stop ends the active run stopped, its checkpoint dropped', () => {
    const fold = foldLabEvent(lab([run('a', { status: 'running', checkpointEpoch: 2 })]), { type: 'workerRestarted', message: 'The training worker stopped (it did not stop within 15 s) and was restarted.', stoppedRunId: 'a' });
    expect(fold.state.runs[0]).toMatchObject({ status: 'stopped', message: 'The training worker stopped (it did not stop within 15 s) and was restarted. The run was stopped.', checkpointEpoch: null });
    expect(fold.state.activeRunId).toBeNull();
    expect(fold.stopped).toEqual({ runId: 'a', keepCheckpoint: false });
  });

  it('ignores events of runs that are not active here', () => {
    const before = lab([run('a', { status: 'running' }), run('b', { status: 'running' })], 'a');
    for (const event of [
      { type: 'done', runId: 'b', result: fakeResult(tinyConfig, 0.5) },
      { type: 'progress', runId: 'b', event: step(1) },
      { type: 'error', runId: null, message: 'dataset failed' },
    ] as const) {
      expect(foldLabEvent(before, event)).toEqual({ state: before, save: [], stopped: null, throttled: false });
    }
    expect(foldLabEvent(lab([run('a')], null), { type: 'workerRestarted', message: 'x' }).state.runs[0].status).toBe('queued');
    // Another tab's run: this tab's worker does not train it.
    const elsewhere: LabState = { ...lab([run('a', { status: 'running' })]), queueOwner: 'elsewhere' };
    expect(foldLabEvent(elsewhere, { type: 'workerRestarted', message: 'x' }).state).toBe(elsewhere);
  });
});
