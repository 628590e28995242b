// The lab queue through faults: a lost GPU (the worker resumes the run itself from its
// checkpoint), a GPU that could not be brought back, a restarted worker (the run stays
// interrupted with its stored checkpoint and the queue goes on), a run refused as too big and a
// diverged run (both end, their metrics kept, and the next run starts).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { EpochEvent } from '../engine/events';
import { createPlan } from '../engine/lab/plan';
import { fakeResult, tinyConfig } from '../../test/support/testRuns';
import type { Checkpoint } from '../engine/train/checkpoint';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createLabController, type LabController, type WorkerStatus } from './labController';
import { openLabStore } from './labStore';

const ready: WorkerStatus = {
  backend: { name: 'cpu', fallbackReason: null, adapter: null },
  dataset: { name: 'synthetic', id: 'synthetic', trainCount: 96, testCount: 32, classNames: [] },
  busy: false,
};
const flush = () => new Promise((resolve) => setTimeout(resolve, 30));
const epoch = (e: number): EpochEvent => ({ kind: 'epoch', totalEpochs: 2, epoch: e, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 });
const metrics = (e: number) => {
  const { kind: _kind, totalEpochs: _total, ...m } = epoch(e);
  return m;
};
let dbCount = 0;

async function setup() {
  const store = await openLabStore(`lab-faults-${++dbCount}`);
  const sent: WorkerRequest[] = [];
  let listener: (e: MessageEvent<WorkerEvent>) => void = () => {};
  let n = 0;
  const lab = createLabController({
    port: { postMessage: (m) => void sent.push(m), addEventListener: (_t, l) => void (listener = l) },
    store,
    workerStatus: () => ready,
    userAgent: 'vitest',
    newId: () => `run${++n}`,
    notifyIntervalMs: 0,
  });
  await flush();
  lab.setPlan(createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1] }));
  lab.enqueuePlan();
  await flush();
  const deliver = (event: WorkerEvent) => listener({ data: event } as MessageEvent<WorkerEvent>);
  const starts = () => sent.filter((m): m is Extract<WorkerRequest, { type: 'start' }> => m.type === 'start');
  return { lab, store, deliver, starts };
}

const run = (lab: LabController, id: string) => lab.getSnapshot().runs.find((r) => r.id === id);

function checkpoint(config: Checkpoint['config']): Checkpoint {
  return {
    version: 2, config, epoch: 1, globalStep: 2, imagesSeen: 32, elapsedSeconds: 3, startedAt: '2025-01-01T00:00:00.000Z',
    weights: [new Float32Array([1, 2])], optimizer: [new Float32Array([3])],
    rng: { data: { words: [1, 2, 3, 4], spare: null }, tricks: { cutmix: { words: [5, 6, 7, 8], spare: 0.5 } } },
    epochs: [metrics(1)],
    steps: [],
  };
}

describe('the lab through faults', () => {
  it('follows a lost GPU: interrupted, then running again from the checkpoint, then finished', async () => {
    const { lab, deliver, starts } = await setup();
    const first = starts()[0];
    deliver({ type: 'progress', runId: first.runId, event: epoch(1) });
    deliver({ type: 'interrupted', runId: first.runId, message: 'The GPU was lost at step 3. The run resumes from its checkpoint after epoch 1.', checkpointEpoch: 1, resuming: true });
    expect(run(lab, first.runId)).toMatchObject({ status: 'interrupted', message: 'The GPU was lost at step 3. The run resumes from its checkpoint after epoch 1.' });
    expect(lab.getSnapshot().activeRunId).toBe(first.runId);
    deliver({ type: 'resumed', runId: first.runId, fromEpoch: 1, fromStep: 2, epochs: [epoch(1)], steps: [] });
    expect(run(lab, first.runId)).toMatchObject({ status: 'running', message: 'resumed after epoch 1 (the GPU was lost)' });
    deliver({ type: 'done', runId: first.runId, result: fakeResult(first.config, 0.5) });
    await flush();
    expect(run(lab, first.runId)?.status).toBe('finished');
    expect(starts()).toHaveLength(2); // the queue moved on
  });

  it('keeps a run interrupted with its checkpoint when the GPU cannot be brought back', async () => {
    const { lab, store, deliver, starts } = await setup();
    const first = starts()[0];
    deliver({ type: 'checkpoint', runId: first.runId, checkpoint: checkpoint(first.config) });
    await flush();
    deliver({ type: 'interrupted', runId: first.runId, message: 'The GPU was lost.', checkpointEpoch: 1, resuming: true });
    deliver({ type: 'error', runId: first.runId, message: 'The GPU was lost and could not be restarted (no adapter). Reload the page to go on.' });
    await flush();
    expect(run(lab, first.runId)).toMatchObject({ status: 'interrupted', checkpointEpoch: 1, message: expect.stringMatching(/could not be restarted/) });
    expect(await store.loadCheckpoint(first.runId)).toBeDefined();
    lab.resume(first.runId);
    await flush();
    // The next queued run went first; once it ends, the interrupted one resumes from its checkpoint.
    const second = starts()[1];
    deliver({ type: 'done', runId: second.runId, result: fakeResult(second.config, 0.5) });
    await flush();
    expect(starts()[2]).toMatchObject({ runId: first.runId, lab: { resumeFrom: { epoch: 1 } } });
  });

  it('marks the active run interrupted when the worker is restarted, keeps its checkpoint and goes on', async () => {
    const { lab, store, deliver, starts } = await setup();
    const first = starts()[0];
    deliver({ type: 'checkpoint', runId: first.runId, checkpoint: checkpoint(first.config) });
    await flush();
    deliver({ type: 'workerRestarted', message: 'The training worker stopped (it threw an uncaught error: boom) and was restarted.' });
    await flush();
    expect(run(lab, first.runId)).toMatchObject({
      status: 'interrupted',
      message: 'The training worker stopped (it threw an uncaught error: boom) and was restarted. The run was interrupted; Resume continues it from its checkpoint after epoch 1.',
    });
    expect(await store.loadCheckpoint(first.runId)).toBeDefined();
    expect(starts()[1].runId).not.toBe(first.runId);
  });

  it('ends a run refused as too big and a diverged run with their messages and metrics, and moves on', async () => {
    const { lab, deliver, starts } = await setup();
    const first = starts()[0];
    deliver({ type: 'error', runId: first.runId, message: 'Out of memory: … lower the batch size (optim.batchSize, now 768; try 512) …', field: 'optim.batchSize' });
    await flush();
    expect(run(lab, first.runId)).toMatchObject({ status: 'failed', message: expect.stringMatching(/lower the batch size/) });
    const second = starts()[1];
    deliver({ type: 'progress', runId: second.runId, event: epoch(1) });
    const diverged = { ...fakeResult(second.config, 0.1), status: 'diverged' as const, message: 'diverged at step 3: the training loss is NaN' };
    deliver({ type: 'done', runId: second.runId, result: diverged });
    await flush();
    expect(run(lab, second.runId)).toMatchObject({ status: 'diverged', message: 'diverged at step 3: the training loss is NaN' });
    expect(run(lab, second.runId)?.epochs.length).toBe(diverged.epochs.length);
    expect(lab.getSnapshot().activeRunId).toBeNull();
  });
});
