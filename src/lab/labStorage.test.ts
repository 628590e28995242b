// The lab controller when IndexedDB fails: a full quota (fake-indexeddb's put throwing a
// QuotaExceededError DOMException, as Chrome's does) and storage that can't be opened at all
// (indexedDB.open throwing a SecurityError, as in a sandboxed or private context).
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlan } from '../engine/lab/plan';
import { fakeResult, labRun, tinyConfig } from '../../test/support/testRuns';
import type { Checkpoint } from '../engine/train/checkpoint';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { lazyLabStore } from './browserLab';
import { createLabController, type LabPort, type WorkerStatus } from './labController';
import { openLabStore, type LabStore } from './labStore';
import { StorageUnavailableError } from './storageErrors';
import { storageBanner } from './storageHealth';

const ready: WorkerStatus = {
  backend: { name: 'cpu', fallbackReason: null, adapter: null },
  dataset: { name: 'synthetic', id: 'synthetic', trainCount: 96, testCount: 32, classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`) },
  busy: false,
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 30));
let dbCount = 0;

function controller(store: LabStore, name: string) {
  const sent: WorkerRequest[] = [];
  let listener: (e: MessageEvent<WorkerEvent>) => void = () => {};
  const port: LabPort = { postMessage: (m) => void sent.push(m), addEventListener: (_t, l) => void (listener = l) };
  let n = 0;
  const lab = createLabController({ port, store, workerStatus: () => ready, userAgent: 'vitest', newId: () => `${name}-${++n}`, notifyIntervalMs: 0 });
  return { lab, sent, deliver: (event: WorkerEvent) => listener({ data: event } as MessageEvent<WorkerEvent>) };
}

const starts = (sent: WorkerRequest[]) => sent.filter((m): m is Extract<WorkerRequest, { type: 'start' }> => m.type === 'start');
const onePlan = createPlan(tinyConfig, { tricks: [], seeds: [1] });

/** From now on every IndexedDB put throws as a full quota does (until restored). */
function fillTheQuota() {
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  });
}

function checkpointFor(config: Checkpoint['config']): Checkpoint {
  return {
    version: 2, config, epoch: 1, globalStep: 2, imagesSeen: 32, elapsedSeconds: 3, startedAt: '2025-01-01T00:00:00.000Z',
    weights: [new Float32Array([1, 2])], optimizer: [new Float32Array([3])],
    rng: { data: { words: [1, 2, 3, 4], spare: null }, tricks: { cutmix: { words: [5, 6, 7, 8], spare: null } } },
    epochs: [], steps: [],
  };
}

afterEach(() => vi.restoreAllMocks());

describe('lab controller: browser storage is full', () => {
  it('keeps the finished run, marks it unsaved, exports it, and saves it once storage takes writes again', async () => {
    const name = `quota-${++dbCount}`;
    const store = await openLabStore(name);
    const { lab, sent, deliver } = controller(store, name);
    await flush();
    const put = fillTheQuota();
    lab.setPlan(onePlan);
    lab.enqueuePlan();
    await flush();
    const start = starts(sent)[0];
    const id = start.runId;

    // A checkpoint that can't be saved: the run goes on, but can't resume from it after a reload.
    deliver({ type: 'progress', runId: id, event: { kind: 'epoch', totalEpochs: 1, epoch: 1, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 } });
    deliver({ type: 'checkpoint', runId: id, checkpoint: checkpointFor(start.config) });
    await flush();
    expect(lab.getSnapshot().runs[0]).toMatchObject({ status: 'running', checkpointEpoch: null });
    expect(lab.getSnapshot().storage.unsavedCheckpoints).toEqual([id]);
    expect(storageBanner(lab.getSnapshot().storage, lab.getSnapshot().runs)?.lines).toContain(
      "The latest checkpoint of 1 running run is not saved: after a reload it can't resume from there (training goes on).",
    );

    deliver({ type: 'weights', runId: id, weights: [new Float32Array([0.5, 0.25])] });
    deliver({ type: 'done', runId: id, result: fakeResult(start.config, 0.3) });
    await flush();
    const state = lab.getSnapshot();
    expect(state.runs).toHaveLength(1);
    expect(state.runs[0]).toMatchObject({ id, status: 'finished', hasWeights: true });
    expect(state.storage).toMatchObject({ problem: { kind: 'full', headline: 'Browser storage is full' }, inMemory: false, unsavedRuns: [id], unsavedWeights: [id], unsavedCheckpoints: [], metaUnsaved: true });
    expect(storageBanner(state.storage, state.runs)?.lines.slice(0, 2)).toEqual([
      '1 finished run is not saved and will be lost when you close this tab.',
      "The weights of 1 run are not saved: after a reload it can't be used as a teacher or inspected.",
    ]);
    // No notice per failed write: the banner says it once.
    expect(state.notices).toEqual([]);
    // The export holds it; the database does not.
    expect(lab.exportLab().runs.map((r) => [r.id, r.result.final?.valTop1])).toEqual([[id, 0.3]]);
    expect(await store.loadRuns()).toEqual([]);
    // Its weights stay usable in this tab (inspection sends them from memory).
    void lab.predict(id, 4);
    await flush();
    const predict = sent.at(-1);
    expect(predict?.type === 'predict' && Array.from(predict.weights[0])).toEqual([0.5, 0.25]);

    // Space is freed; the next write goes through and takes the unsaved ones with it.
    put.mockRestore();
    lab.setReference(null);
    await flush();
    expect(lab.getSnapshot().storage).toMatchObject({ problem: null, unsavedRuns: [], unsavedWeights: [], metaUnsaved: false });
    expect(storageBanner(lab.getSnapshot().storage, lab.getSnapshot().runs)).toBeNull();
    expect(lab.getSnapshot().notices.at(-1)).toMatchObject({ kind: 'info', text: 'Browser storage works again: every run is saved.' });
    const saved = await store.loadRuns();
    expect(saved.map((r) => [r.id, r.status, r.result?.final?.valTop1])).toEqual([[id, 'finished', 0.3]]);
    expect(Array.from((await store.loadWeights(id))?.weights[0] ?? [])).toEqual([0.5, 0.25]);
    expect((await store.loadMeta())?.plan).toEqual(onePlan);
    store.close();
  });

  it('a removed unsaved run leaves the banner, and removing deletes only that run', async () => {
    const name = `quota-${++dbCount}`;
    const store = await openLabStore(name);
    const { lab, sent, deliver } = controller(store, name);
    await flush();
    lab.setPlan(createPlan(tinyConfig, { tricks: [], seeds: [1, 2] }));
    lab.enqueuePlan();
    await flush();
    const [first] = starts(sent);
    deliver({ type: 'done', runId: first.runId, result: fakeResult(first.config, 0.3) });
    await flush();
    const put = fillTheQuota();
    const second = starts(sent)[1];
    deliver({ type: 'done', runId: second.runId, result: fakeResult(second.config, 0.4) });
    await flush();
    expect(lab.getSnapshot().storage.unsavedRuns).toEqual([second.runId]);
    put.mockRestore();
    lab.remove(second.runId);
    await flush();
    expect(lab.getSnapshot().storage.problem).toBeNull();
    expect((await store.loadRuns()).map((r) => r.id)).toEqual([first.runId]);
    store.close();
  });
});

describe('lab controller: browser storage is unavailable', () => {
  it('runs in memory when IndexedDB refuses to open, and says so instead of failing', async () => {
    vi.spyOn(IDBFactory.prototype, 'open').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const opening = openLabStore(`private-${++dbCount}`);
    await expect(opening).rejects.toBeInstanceOf(StorageUnavailableError);
    const { lab, sent, deliver } = controller(lazyLabStore(opening), 'private');
    await flush();
    expect(lab.getSnapshot()).toMatchObject({ loaded: true, notices: [], storage: { inMemory: true, problem: { kind: 'unavailable', headline: 'Browser storage is unavailable' } } });

    // Queueing and running still work; the weights stay in memory as a teacher.
    lab.setPlan(onePlan);
    lab.enqueuePlan();
    await flush();
    const start = starts(sent)[0];
    deliver({ type: 'weights', runId: start.runId, weights: [new Float32Array([7])] });
    deliver({ type: 'done', runId: start.runId, result: fakeResult(start.config, 0.35) });
    await flush();
    const state = lab.getSnapshot();
    expect(state.runs[0]).toMatchObject({ status: 'finished', hasWeights: true });
    expect(state.notices).toEqual([]);
    expect(storageBanner(state.storage, state.runs)).toEqual({
      headline: 'Browser storage is unavailable',
      exportable: 1,
      lines: ['Runs live only in this tab. 1 finished run is not saved and will be lost when you close or reload it; export them to keep them. Queueing and running still work.'],
    });
    expect(lab.exportLab().runs.map((r) => r.id)).toEqual([start.runId]);

    lab.setTeacher(start.runId);
    lab.setPlan(createPlan(tinyConfig, { mode: 'custom', variants: [{ label: 'student', tricks: ['distillation'] }], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    expect(Array.from(starts(sent)[1].lab?.teacher?.weights[0] ?? [])).toEqual([7]);
  });

  it('says "unavailable" when the browser has no IndexedDB at all', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      await expect(openLabStore('none')).rejects.toThrow(/^IndexedDB could not be opened/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('lab controller: clearing deletes only what was asked for', () => {
  it('after the saved lab could not be read, "clear" deletes the runs shown, not the ones it never showed', async () => {
    const name = `unread-${++dbCount}`;
    const store = await openLabStore(name);
    const earlier = controller(store, 'earlier');
    await flush();
    earlier.lab.importFiles([{ name: 'old.json', text: JSON.stringify(fakeResult(tinyConfig, 0.5)) }]);
    await flush();
    const [old] = await store.loadRuns();
    expect(old.source).toBe('imported');

    // This session can't read the runs (a corrupt record, say), but can write.
    const unreadable: LabStore = { ...store, loadRuns: () => Promise.reject(new Error('corrupt record')) };
    const { lab } = controller(unreadable, 'now');
    await flush();
    expect(lab.getSnapshot().notices.at(-1)?.text).toBe('Could not read the saved lab (corrupt record); runs saved before are not shown.');
    expect(lab.getSnapshot().storage.inMemory).toBe(false);
    lab.importFiles([{ name: 'new.json', text: JSON.stringify(fakeResult({ ...tinyConfig, name: 'new' }, 0.6)) }]);
    await flush();
    const shown = lab.getSnapshot().runs.map((r) => r.id);
    expect(shown).toHaveLength(1);
    expect((await store.loadRuns()).map((r) => r.id).sort()).toEqual([old.id, shown[0]].sort());

    await lab.clearAll();
    await flush();
    expect((await store.loadRuns()).map((r) => r.id)).toEqual([old.id]);
    store.close();
  });

  it('reads a big lab back in pages, every run once, in queue order', async () => {
    const store = await openLabStore('trick-lab-paged');
    const runs = Array.from({ length: 620 }, (_, i) => labRun(`r${String(i).padStart(4, '0')}`, tinyConfig, fakeResult(tinyConfig, 0.5)));
    // Queue order is the reverse of the key order, so the pages' order is not the answer.
    await store.saveRuns(runs, (r) => 619 - Number(r.id.slice(1)));
    const back = await store.loadRuns();
    expect(back).toHaveLength(620);
    expect(new Set(back.map((r) => r.id)).size).toBe(620);
    expect(back.slice(0, 2).map((r) => r.id)).toEqual(['r0619', 'r0618']);
    expect(back.at(-1)?.id).toBe('r0000');
    store.close();
  });
});
