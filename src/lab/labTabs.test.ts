// Two tabs on one lab: one IndexedDB (fake-indexeddb), Node's BroadcastChannel between them and
// an in-memory queue lock standing in for Web Locks. Each run trains once, in the owner; a stale
// tab's edits of a finished run are refused; closing the owner hands the queue over.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeResult, tinyConfig } from '../../test/support/testRuns';
import type { EpochEvent } from '../engine/events';
import { createPlan } from '../engine/lab/plan';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createLabController, type LabController, type WorkerStatus } from './labController';
import { mergeStored } from './labTabs';
import { openLabStore, type LabStore } from './labStore';
import type { QueueLock, TabChannel, TabMessage } from './tabSync';

const ready: WorkerStatus = {
  backend: { name: 'cpu', fallbackReason: null, adapter: null },
  dataset: { name: 'synthetic', id: 'synthetic', trainCount: 96, testCount: 32, classNames: [] },
  busy: false,
};
const flush = () => new Promise((resolve) => setTimeout(resolve, 40));
const epoch: EpochEvent = { kind: 'epoch', totalEpochs: 2, epoch: 1, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 };

/** One lock shared by the tabs: held by one at a time, freed when its tab closes. */
function memoryLocks() {
  let holder: number | null = null;
  let waiting: (() => void)[] = [];
  const free = () => {
    holder = null;
    const wake = waiting;
    waiting = [];
    for (const f of wake) f();
  };
  return {
    lockFor: (tab: number): QueueLock => ({
      acquire: async () => (holder === null ? ((holder = tab), true) : false),
      whenFree: (onFree) => (holder === null ? onFree() : void waiting.push(onFree)),
    }),
    close: (tab: number) => holder === tab && free(),
  };
}

const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((c) => c.close()));

/** A BroadcastChannel that can go deaf (a tab that missed the news: stale). */
function channel(name: string) {
  const bc = new BroadcastChannel(name);
  open.push(bc);
  let deaf = false;
  const tab: TabChannel = {
    post: (m) => bc.postMessage(m),
    listen: (l) => bc.addEventListener('message', (e) => !deaf && l((e as MessageEvent<TabMessage>).data)),
  };
  return { tab, setDeaf: (d: boolean) => (deaf = d) };
}

let labCount = 0;
function world() {
  const name = `tabs-${++labCount}`;
  const locks = memoryLocks();
  let tabCount = 0;
  let ids = 0;
  async function tab() {
    const n = ++tabCount;
    const store: LabStore = await openLabStore(name);
    open.push(store);
    const sent: WorkerRequest[] = [];
    let listener: (e: MessageEvent<WorkerEvent>) => void = () => {};
    const ch = channel(name);
    const lab = createLabController({
      port: { postMessage: (m) => void sent.push(m), addEventListener: (_t, l) => void (listener = l) },
      store, workerStatus: () => ready, userAgent: 'vitest', newId: () => `run${++ids}`, notifyIntervalMs: 0,
      lock: locks.lockFor(n), channel: ch.tab,
    });
    await flush();
    const deliver = (event: WorkerEvent) => listener({ data: event } as MessageEvent<WorkerEvent>);
    const starts = () => sent.filter((m): m is Extract<WorkerRequest, { type: 'start' }> => m.type === 'start');
    const finish = async (runId: string, top1: number) => {
      deliver({ type: 'progress', runId, event: epoch });
      deliver({ type: 'done', runId, result: fakeResult(tinyConfig, top1) });
      await flush();
    };
    return { lab, store, sent, starts, finish, deliver, setDeaf: ch.setDeaf, close: () => locks.close(n) };
  }
  return { tab };
}

const statuses = (lab: LabController) => lab.getSnapshot().runs.map((r) => r.status);
const lastNotice = (lab: LabController) => lab.getSnapshot().notices.at(-1)?.text;

/** Plans the baseline over `seeds` in `lab` (owner or follower) and queues it. */
async function queueSeeds(lab: LabController, seeds: number[]): Promise<void> {
  lab.setPlan(createPlan(tinyConfig, { tricks: [], seeds }));
  lab.enqueuePlan();
  await flush();
}

describe('one lab, many tabs', () => {
  it('the second tab follows the owner live, trains nothing and leaves the running run alone', async () => {
    const w = world();
    const a = await w.tab();
    await queueSeeds(a.lab, [1, 2]);
    const b = await w.tab();
    expect(a.lab.getSnapshot().queueOwner).toBe('here');
    expect(b.lab.getSnapshot().queueOwner).toBe('elsewhere');
    // Opening B did not interrupt A's run, in B or in storage.
    expect(statuses(b.lab)).toEqual(['running', 'queued']);
    expect((await b.store.loadRuns()).map((r) => r.status)).toEqual(['running', 'queued']);
    expect(b.lab.getSnapshot().activeRunId).toBe('run1');

    b.lab.startQueue();
    await a.finish('run1', 0.25);
    expect(statuses(b.lab)).toEqual(['finished', 'running']);
    expect(b.lab.getSnapshot().runs[0].result?.final?.valTop1).toBe(0.25);
    await a.finish('run2', 0.5);
    expect(statuses(b.lab)).toEqual(['finished', 'finished']);
    // Each run trained once, in the owner.
    expect(a.starts().map((s) => s.runId)).toEqual(['run1', 'run2']);
    expect(b.starts()).toEqual([]);
  });

  it("refuses a stale tab's Cancel and Move up of a finished run, and shows it finished", async () => {
    const w = world();
    const a = await w.tab();
    await queueSeeds(a.lab, [1, 2, 3]);
    const b = await w.tab();
    b.setDeaf(true);
    await a.finish('run1', 0.25);
    await a.finish('run2', 0.5);
    expect(statuses(b.lab)).toEqual(['running', 'queued', 'queued']);

    await b.lab.cancel('run2');
    expect(lastNotice(b.lab)).toBe(`"baseline" (seed 2) has finished (in another tab or before): it was not cancelled.`);
    await b.lab.move('run2', -1);
    expect(lastNotice(b.lab)).toBe(`"baseline" (seed 2) has finished (in another tab or before): only queued runs move.`);
    expect(b.lab.getSnapshot().runs[1].status).toBe('finished');
    const stored = await a.store.loadRuns();
    expect(stored.map((r) => [r.id, r.status])).toEqual([['run1', 'finished'], ['run2', 'finished'], ['run3', 'running']]);
    expect(stored[1].result?.final?.valTop1).toBe(0.5);
  });

  it('closing the owner offers Take over; the new owner interrupts the orphan, which resumes once', async () => {
    const w = world();
    const a = await w.tab();
    await queueSeeds(a.lab, [1, 2]);
    const b = await w.tab();
    const c = await w.tab();
    await b.lab.takeOver(); // refused while A owns the queue
    expect(b.lab.getSnapshot().queueOwner).toBe('elsewhere');

    a.close();
    await flush();
    expect(b.lab.getSnapshot().queueOwner).toBe('gone');
    expect(c.lab.getSnapshot().queueOwner).toBe('gone');
    await b.lab.takeOver();
    await flush();
    expect(b.lab.getSnapshot().queueOwner).toBe('here');
    expect(c.lab.getSnapshot().queueOwner).toBe('elsewhere');
    // A left run1 running without a checkpoint; B took the queue (running) and goes on with run2.
    expect(statuses(b.lab)).toEqual(['interrupted', 'running']);
    expect(b.starts().map((s) => s.runId)).toEqual(['run2']);

    // Resume from two tabs: queued once; the second is refused.
    await c.lab.resume('run1');
    await b.lab.resume('run1');
    expect(lastNotice(b.lab)).toMatch(/is queued \(in another tab or before\): it was not resumed/);
    await b.finish('run2', 0.5);
    expect(b.starts().map((s) => s.runId)).toEqual(['run2', 'run1']);
    expect(c.starts()).toEqual([]);
    // No checkpoint: the row says the run starts over instead of "resumes after epoch".
    expect(b.lab.getSnapshot().runs[0]).toMatchObject({ status: 'running', checkpointEpoch: null, epochs: [] });
    expect(b.starts()[1].lab?.resumeFrom).toBeUndefined();
  });

  it("a follower's plan and Cancel act through the owner: it trains the runs and stops the active one", async () => {
    const w = world();
    const a = await w.tab();
    const b = await w.tab();
    await queueSeeds(b.lab, [1, 2]);
    expect(statuses(a.lab)).toEqual(['running', 'queued']);
    expect(a.starts().map((s) => s.runId)).toEqual(['run1']);
    expect(b.lab.getSnapshot()).toMatchObject({ activeRunId: 'run1', queueRunning: true });
    await b.lab.cancel('run1');
    await flush();
    expect(a.sent.at(-1)).toEqual({ type: 'stop', runId: 'run1' });
    expect(b.sent.filter((m) => m.type === 'stop')).toEqual([]);
    b.lab.pauseQueue();
    await flush();
    expect(a.lab.getSnapshot().queueRunning).toBe(false);
  });

  it('a resume whose checkpoint was deleted says the run restarted from the beginning', async () => {
    const w = world();
    const a = await w.tab();
    await queueSeeds(a.lab, [1]);
    await a.lab.cancel('run1');
    a.deliver({ type: 'interrupted', runId: 'run1', message: 'lost', checkpointEpoch: 1, resuming: false });
    await flush();
    // The run claims a checkpoint after epoch 1 that storage no longer holds.
    const run = a.lab.getSnapshot().runs[0];
    await a.store.saveRuns([{ ...run, checkpointEpoch: 1 }], () => 0);
    const b = await w.tab();
    a.close();
    await flush();
    await b.lab.takeOver();
    b.lab.pauseQueue();
    await b.lab.resume('run1');
    // Queued, the row says it starts over instead of "resumes after epoch 1".
    expect(b.lab.getSnapshot().runs[0]).toMatchObject({ status: 'queued', message: 'no checkpoint: restarts from the beginning', checkpointEpoch: null });
    await flush();
    expect(b.lab.getSnapshot().runs[0]).toMatchObject({ status: 'running', message: null, epochs: [] });
    expect(b.starts()[0].lab?.resumeFrom).toBeUndefined();
  });
});

describe('the store refuses to move a run backwards', () => {
  it('a stale queued copy is not written over a finished run, and is returned as stored', async () => {
    const store = await openLabStore(`tabs-store-${++labCount}`);
    open.push(store);
    const base = { id: 'x', label: 'baseline', planKey: null, reference: true, config: tinyConfig, message: null, epochs: [], steps: [], source: 'local' as const, origin: null, teacherRunId: null, checkpointEpoch: null, hasWeights: true, createdAt: '' };
    const done = { ...base, status: 'finished' as const, result: fakeResult(tinyConfig, 0.5) };
    expect(await store.saveRuns([done], () => 0)).toEqual([]);
    const refused = await store.saveRuns([{ ...base, status: 'queued', result: null }, { ...base, id: 'y', status: 'queued', result: null }], () => 1);
    expect(refused).toEqual([{ stored: done, reason: `"baseline" (seed ${tinyConfig.run.seed}) has finished; a stale copy (queued) was not saved over it.` }]);
    expect((await store.loadRuns()).map((r) => [r.id, r.status])).toEqual([['x', 'finished'], ['y', 'queued']]);
  });
});

describe('mergeStored', () => {
  const r = (id: string) => ({ ...fakeRun(id) });
  function fakeRun(id: string) {
    return { id, label: id, planKey: null, reference: false, config: tinyConfig, status: 'queued' as const, message: null, epochs: [], steps: [], result: null, source: 'local' as const, origin: null, teacherRunId: null, checkpointEpoch: null, hasWeights: false, createdAt: '' };
  }
  it('replaces in place, swaps moved runs into their stored order, appends new ones, skips the active one', () => {
    const local = ['a', 'b', 'c', 'd'].map(r);
    const merged = mergeStored(local, [{ ...r('d'), order: 2 }, { ...r('c'), order: 3, message: 'x' }, { ...r('e'), order: 4 }, { ...r('a'), order: 0, status: 'finished' }], 'a');
    expect(merged.map((x) => x.id)).toEqual(['a', 'b', 'd', 'c', 'e']);
    expect(merged[0]).toBe(local[0]);
    expect(merged[3].message).toBe('x');
  });
});
