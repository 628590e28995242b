import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { EpochEvent, StepEvent } from '../engine/events';
import { createPlan } from '../engine/lab/plan';
import { fakeResult, tinyConfig } from '../../test/support/testRuns';
import type { Checkpoint } from '../engine/train/checkpoint';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createLabController, type LabController, type LabPort, type WorkerStatus } from './labController';
import { openLabStore } from './labStore';

const ready: WorkerStatus = {
  backend: { name: 'cpu', fallbackReason: null, adapter: null },
  dataset: { name: 'synthetic', id: 'synthetic', trainCount: 96, testCount: 32, classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`) },
  busy: false,
};

function fakePort() {
  const sent: WorkerRequest[] = [];
  let listener: (e: MessageEvent<WorkerEvent>) => void = () => {};
  const port: LabPort = {
    postMessage: (m) => void sent.push(m),
    addEventListener: (_type, l) => void (listener = l),
  };
  return { port, sent, deliver: (event: WorkerEvent) => listener({ data: event } as MessageEvent<WorkerEvent>) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 30));
let dbCount = 0;

async function setup(dbName = `lab-test-${++dbCount}`) {
  const store = await openLabStore(dbName);
  const worker = fakePort();
  let n = 0;
  const lab = createLabController({ port: worker.port, store, workerStatus: () => ready, userAgent: 'vitest', newId: () => `id${++n}-${dbName}`, notifyIntervalMs: 0 });
  await flush();
  return { lab, store, dbName, ...worker };
}

const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1, 2] });
const starts = (sent: WorkerRequest[]) => sent.filter((m): m is Extract<WorkerRequest, { type: 'start' }> => m.type === 'start');
const step = (n: number): StepEvent => ({ kind: 'step', epoch: 1, step: n, totalSteps: 4, stepsPerEpoch: 2, loss: 2, lr: 0.1, imagesPerSecond: 50, elapsedSeconds: n });
const epoch = (e: number): EpochEvent => ({ kind: 'epoch', totalEpochs: 2, epoch: e, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 });
const statuses = (lab: LabController) => lab.getSnapshot().runs.map((r) => r.status);

function checkpointFor(config: Checkpoint['config']): Checkpoint {
  return {
    version: 2, config, epoch: 1, globalStep: 2, imagesSeen: 32, elapsedSeconds: 3, startedAt: '2025-01-01T00:00:00.000Z',
    weights: [new Float32Array([1, 2])], optimizer: [new Float32Array([3])],
    rng: { data: { words: [1, 2, 3, 4], spare: null }, tricks: { cutmix: { words: [5, 6, 7, 8], spare: 0.5 } } },
    epochs: [{ epoch: 1, trainLoss: 2, trainAccuracy: 0.1, valLoss: 2, valTop1: 0.2, valTop5: 0.6, lr: 0.1, seconds: 1, imagesPerSecond: 50 }],
    steps: [],
  };
}

describe('lab controller', () => {
  it('queues a plan and runs it one run at a time, saving metrics, weights and results', async () => {
    const { lab, sent, deliver, store } = await setup();
    lab.setPlan(plan);
    lab.enqueuePlan();
    await flush();
    expect(statuses(lab)).toEqual(['running', 'queued', 'queued', 'queued']);
    expect(lab.getSnapshot().runs.map((r) => r.planKey)).toEqual(['g0-s1', 'g1-s1', 'g0-s2', 'g1-s2']);
    expect(lab.getSnapshot().runs.map((r) => r.reference)).toEqual([true, false, true, false]);
    const first = starts(sent)[0];
    expect(first.lab).toMatchObject({ checkpoints: true, weights: true });
    expect(first.config.run.seed).toBe(1);

    deliver({ type: 'progress', runId: first.runId, event: step(1) });
    deliver({ type: 'progress', runId: first.runId, event: epoch(1) });
    deliver({ type: 'weights', runId: first.runId, weights: [new Float32Array([0.5])] });
    deliver({ type: 'done', runId: first.runId, result: fakeResult(first.config, 0.3) });
    await flush();
    const run = lab.getSnapshot().runs[0];
    expect(run.status).toBe('finished');
    expect(run.hasWeights).toBe(true);
    expect(run.result?.final?.valTop1).toBe(0.3);
    expect((await store.loadWeights(first.runId))?.weights[0][0]).toBe(0.5);
    // The next run started by itself.
    expect(starts(sent)).toHaveLength(2);
    expect(statuses(lab)).toEqual(['finished', 'running', 'queued', 'queued']);
    // A worker error fails the active run with its message and moves on.
    deliver({ type: 'error', runId: starts(sent)[1].runId, message: 'boom' });
    await flush();
    expect(lab.getSnapshot().runs[1]).toMatchObject({ status: 'failed', message: 'boom' });
    expect(starts(sent)).toHaveLength(3);
  });

  it('after a reload, a run that was training is interrupted and resumes from its checkpoint', async () => {
    const first = await setup();
    first.lab.setPlan(plan);
    first.lab.enqueuePlan();
    await flush();
    const start = starts(first.sent)[0];
    first.deliver({ type: 'progress', runId: start.runId, event: epoch(1) });
    first.deliver({ type: 'checkpoint', runId: start.runId, checkpoint: checkpointFor(start.config) });
    await flush();
    expect(first.lab.getSnapshot().runs[0].checkpointEpoch).toBe(1);
    first.store.close();

    // "Reload": a new controller on the same database.
    const second = await setup(first.dbName);
    const runs = second.lab.getSnapshot().runs;
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'queued', 'queued', 'queued']);
    expect(runs[0]).toMatchObject({ checkpointEpoch: 1, message: 'interrupted after epoch 1' });
    expect(runs[0].epochs).toHaveLength(1);
    expect(second.lab.getSnapshot().plan).toEqual(plan);
    expect(second.lab.getSnapshot().queueRunning).toBe(false);
    expect(starts(second.sent)).toHaveLength(0);

    second.lab.resume(runs[0].id);
    await flush();
    const resumed = starts(second.sent)[0];
    expect(resumed.runId).toBe(runs[0].id);
    expect(resumed.lab?.resumeFrom?.epoch).toBe(1);
    expect(resumed.lab?.resumeFrom?.rng.tricks.cutmix?.spare).toBe(0.5);
    expect(Array.from(resumed.lab?.resumeFrom?.weights[0] ?? [])).toEqual([1, 2]);
    // The metrics up to the checkpoint are kept while it continues.
    expect(second.lab.getSnapshot().runs[0].epochs).toHaveLength(1);
  });

  it('cancels, reorders and retries', async () => {
    const { lab, sent, deliver } = await setup();
    lab.setPlan(plan);
    lab.enqueuePlan();
    await flush();
    const ids = lab.getSnapshot().runs.map((r) => r.id);
    await lab.move(ids[3], -1);
    expect(lab.getSnapshot().runs.map((r) => r.id)).toEqual([ids[0], ids[1], ids[3], ids[2]]);
    await lab.cancel(ids[1]);
    await lab.cancel(ids[0]); // the active run: asks the worker to stop
    expect(sent.at(-1)).toEqual({ type: 'stop', runId: ids[0] });
    deliver({ type: 'done', runId: ids[0], result: { ...fakeResult(tinyConfig, 0.1), status: 'stopped', message: 'stopped by the user at step 1' } });
    await flush();
    expect(statuses(lab)).toEqual(['stopped', 'cancelled', 'running', 'queued']);
    expect(starts(sent).at(-1)?.runId).toBe(ids[3]);
    await lab.retry(ids[1]);
    expect(lab.getSnapshot().runs[1].status).toBe('queued');
  });

  it('imports files: a bad one changes nothing and says why; a good one adds its runs once', async () => {
    const { lab } = await setup();
    const result = fakeResult(tinyConfig, 0.4);
    lab.importFiles([{ name: 'bad.json', text: '{"oops"' }]);
    expect(lab.getSnapshot().runs).toHaveLength(0);
    expect(lab.getSnapshot().notices.at(-1)).toMatchObject({ kind: 'error', text: expect.stringMatching(/^bad\.json was not imported: it is not valid JSON/) });
    lab.importFiles([{ name: 'results.json', text: JSON.stringify(result) }]);
    lab.importFiles([{ name: 'again.json', text: JSON.stringify(result) }]);
    expect(lab.getSnapshot().runs.map((r) => [r.source, r.status])).toEqual([['imported', 'finished']]);
    expect(lab.getSnapshot().notices.at(-1)?.text).toBe('again.json: 0 runs imported (1 already here).');
    // The same id with other results: skipped, said plainly, and the run here keeps its own.
    lab.importFiles([{ name: 'edited.json', text: JSON.stringify({ ...result, final: { ...result.final, valTop1: 0.45, bestValTop1: 0.45 } }) }]);
    expect(lab.getSnapshot().notices.at(-1)).toMatchObject({ kind: 'error', text: 'edited.json: 0 runs imported (1 skipped: already here with other results).' });
    expect(lab.getSnapshot().runs.map((r) => r.result?.final?.valTop1)).toEqual([0.4]);
    const exported = lab.exportLab();
    expect(exported.runs).toHaveLength(1);
    expect(exported.environment).toMatchObject({ userAgent: 'vitest', runtime: 'browser' });
  });
});

describe('lab controller: distillation', () => {
  it('hands the chosen finished run\'s saved weights to distillation runs as their teacher', async () => {
    const { lab, sent, deliver } = await setup();
    lab.setPlan(createPlan(tinyConfig, { tricks: [], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    const teacherRun = starts(sent)[0];
    deliver({ type: 'weights', runId: teacherRun.runId, weights: [new Float32Array([7, 8, 9])] });
    deliver({ type: 'done', runId: teacherRun.runId, result: fakeResult(teacherRun.config, 0.5) });
    await flush();
    lab.setTeacher(teacherRun.runId);
    lab.setPlan(createPlan(tinyConfig, { tricks: ['distillation'], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    const plain = starts(sent)[1];
    expect(plain.lab?.teacher).toBeUndefined();
    deliver({ type: 'done', runId: plain.runId, result: fakeResult(plain.config, 0.4) });
    await flush();
    const student = starts(sent)[2];
    expect(student.config.tricks.distillation?.enabled).toBe(true);
    expect(student.lab?.teacher?.model).toEqual(teacherRun.config.model);
    expect(Array.from(student.lab?.teacher?.weights[0] ?? [])).toEqual([7, 8, 9]);
    expect(lab.getSnapshot().runs.at(-1)?.teacherRunId).toBe(teacherRun.runId);
  });

  it('fails a distillation run whose teacher has no stored weights, and goes on with the queue', async () => {
    const { lab, sent, deliver } = await setup();
    lab.setPlan(createPlan(tinyConfig, { tricks: [], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    // It finished without sending its weights.
    deliver({ type: 'done', runId: starts(sent)[0].runId, result: fakeResult(starts(sent)[0].config, 0.5) });
    await flush();
    lab.setTeacher(starts(sent)[0].runId);
    lab.setPlan(createPlan(tinyConfig, { mode: 'custom', variants: [{ label: 'student', tricks: ['distillation'] }, { label: 'plain', tricks: [] }], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    expect(lab.getSnapshot().runs[1]).toMatchObject({ status: 'failed', message: expect.stringMatching(/teacher run's weights are no longer stored/) });
    expect(starts(sent).map((m) => m.config.name)).toEqual(['baseline', 'plain']);
  });

  it('refuses to queue with a teacher that learnt from other data, naming the difference', async () => {
    const { lab, sent, deliver } = await setup();
    lab.setPlan(createPlan({ ...tinyConfig, data: { ...tinyConfig.data, trainLimit: 16 } }, { tricks: [], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    deliver({ type: 'done', runId: starts(sent)[0].runId, result: fakeResult(starts(sent)[0].config, 0.5) });
    await flush();
    lab.setTeacher(starts(sent)[0].runId);
    lab.setPlan(createPlan(tinyConfig, { tricks: ['distillation'], seeds: [1] }));
    lab.enqueuePlan();
    await flush();
    expect(lab.getSnapshot().notices.at(-1)?.text).toBe(
      "The teacher does not match this run's data: training images (teacher 16, student 32). A teacher must learn from the student's dataset, classes, split and limits.",
    );
    expect(lab.getSnapshot().runs).toHaveLength(1);
  });

  it('trains the plan\'s own teacher first; its students wait for it, then learn from its weights and record it', async () => {
    const { lab, sent, deliver } = await setup();
    const teacherModel = { ...tinyConfig.model, depth: 14 };
    lab.setPlan(createPlan(tinyConfig, { tricks: ['distillation'], seeds: [1], teacher: { model: teacherModel } }));
    lab.enqueuePlan();
    await flush();
    expect(lab.getSnapshot().runs.map((r) => r.planKey)).toEqual(['t-s1', 'g0-s1', 'g1-s1']);
    const [teacher, , student] = lab.getSnapshot().runs;
    expect(student.teacher).toMatchObject({ runId: teacher.id, valTop1: null });
    // The student is moved before its teacher: the queue starts the teacher anyway.
    await lab.move(student.id, -1);
    await lab.move(student.id, -1);
    await flush();
    expect(starts(sent).map((m) => m.runId)).toEqual([teacher.id]);
    expect(starts(sent)[0].config.model.depth).toBe(14);
    deliver({ type: 'weights', runId: teacher.id, weights: [new Float32Array([4, 5])] });
    deliver({ type: 'done', runId: teacher.id, result: fakeResult(starts(sent)[0].config, 0.625) });
    await flush();
    const taught = starts(sent)[1];
    expect(taught.runId).toBe(student.id);
    expect(taught.lab?.teacher?.model).toEqual(teacherModel);
    expect(Array.from(taught.lab?.teacher?.weights[0] ?? [])).toEqual([4, 5]);
    expect(lab.getSnapshot().runs.find((r) => r.id === student.id)?.teacher).toMatchObject({ runId: teacher.id, label: 'teacher ResNet-14 ×0.25', valTop1: 0.625 });
  });

  it('fails a student whose planned teacher diverged, and goes on with the queue', async () => {
    const { lab, sent, deliver } = await setup();
    lab.setPlan(createPlan(tinyConfig, { mode: 'custom', variants: [{ label: 'student', tricks: ['distillation'] }, { label: 'plain', tricks: [] }], seeds: [1], teacher: { model: { ...tinyConfig.model, depth: 14 } } }));
    lab.enqueuePlan();
    await flush();
    deliver({ type: 'done', runId: starts(sent)[0].runId, result: { ...fakeResult(starts(sent)[0].config, 0.1), status: 'diverged', message: 'diverged at step 3' } });
    await flush();
    expect(lab.getSnapshot().runs[1]).toMatchObject({ status: 'failed', message: 'Distillation needs its teacher: its teacher (teacher ResNet-14 ×0.25, seed 1) diverged: nothing to distil from; retry the teacher, then this run' });
    expect(starts(sent).map((m) => m.config.name)).toEqual(['teacher ResNet-14 ×0.25', 'plain']);
  });
});
