// The worker bridge: requests sent for each user action, events folded into state, config
// errors kept with their field, a failed dataset load keeping the previous dataset, and
// progress notifications throttled.
import { describe, expect, it, vi } from 'vitest';
import type { BackendInfo, EpochEvent, StepEvent } from '../engine/events';
import type { RunResult } from '../engine/results';
import { makeConfig } from '../engine/config';
import type { DatasetInfo, WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createTrainingClient, INITIAL_STATE, reduce, type WorkerPort } from './trainingClient';

function fakeWorker() {
  const sent: { message: WorkerRequest; transfer: Transferable[] }[] = [];
  const listeners: ((e: MessageEvent<WorkerEvent>) => void)[] = [];
  const port: WorkerPort = {
    postMessage: (message, transfer = []) => sent.push({ message, transfer }),
    addEventListener: (type: string, listener: (e: never) => void) => {
      if (type === 'message') listeners.push(listener as (e: MessageEvent<WorkerEvent>) => void);
    },
  };
  const emit = (data: WorkerEvent) => listeners.forEach((l) => l({ data } as MessageEvent<WorkerEvent>));
  return { port, sent, emit };
}

const backend: BackendInfo = { name: 'webgpu', fallbackReason: null, adapter: { vendor: 'google', architecture: 'swiftshader', description: '' } };
const synthetic: DatasetInfo = { name: 'synthetic (seed 1)', id: 'synthetic', trainCount: 500, testCount: 100, classNames: [] };
const step = (n: number): StepEvent => ({ kind: 'step', epoch: 1, step: n, totalSteps: 8, stepsPerEpoch: 8, loss: 2.3 - n / 10, lr: 0.1, imagesPerSecond: 40, elapsedSeconds: n });
const epoch: EpochEvent = { kind: 'epoch', epoch: 1, totalEpochs: 1, trainLoss: 2, trainAccuracy: 0.2, valLoss: 2.1, valTop1: 0.25, valTop5: 0.7, lr: 0.1, seconds: 8, imagesPerSecond: 32 };

describe('reduce', () => {
  it('keeps a config error with its field and returns a starting run to idle', () => {
    const starting = { ...INITIAL_STATE, backend, runId: 'r1', phase: 'starting' as const };
    const next = reduce(starting, { type: 'error', runId: 'r1', message: 'optim.lr: must be positive (got -1)', field: 'optim.lr' });
    expect(next.phase).toBe('idle');
    expect(next.runError).toEqual({ message: 'optim.lr: must be positive (got -1)', field: 'optim.lr' });
  });

  it('ends a run stopped when its worker was restarted for not answering Stop, keeping what it logged', () => {
    const stopping = { ...INITIAL_STATE, backend, dataset: synthetic, runId: 'r1', phase: 'stopping' as const, steps: [step(1), step(2)] };
    const message = 'The training worker stopped (it did not stop within 15 s) and was restarted.';
    const next = reduce(stopping, { type: 'workerRestarted', message, stoppedRunId: 'r1' });
    expect(next).toMatchObject({ phase: 'done', stoppedWithoutResult: true, runError: null, runNotice: `${message} The run was stopped at step 2.`, backend: null });
    expect(next.steps).toHaveLength(2);
    // Another run's forced stop is a plain restart for this one.
    expect(reduce(stopping, { type: 'workerRestarted', message, stoppedRunId: 'r0' }).runError?.message).toMatch(/interrupted at step 2/);
  });

  it('keeps the previous dataset when a load fails', () => {
    const loading = { ...INITIAL_STATE, backend, dataset: synthetic, datasetLoading: true };
    const next = reduce(loading, { type: 'error', runId: null, message: 'data_batch_1.bin: 100 bytes is not a multiple of 3073' });
    expect(next.dataset).toBe(synthetic);
    expect(next.datasetLoading).toBe(false);
    expect(next.datasetError).toBe('data_batch_1.bin: 100 bytes is not a multiple of 3073');
    expect(next.runError).toBeNull();
  });

  it('shows how far a slow load is, and clears it when the dataset arrives or the load fails', () => {
    const loading = { ...INITIAL_STATE, backend, dataset: synthetic, datasetLoading: true };
    const decoding = reduce(loading, { type: 'datasetProgress', message: 'Decoding the images of train-00000-of-00001.parquet', done: 512, total: 50000 });
    expect(decoding.datasetProgress).toEqual({ message: 'Decoding the images of train-00000-of-00001.parquet', done: 512, total: 50000 });
    expect(reduce(decoding, { type: 'dataset', info: synthetic }).datasetProgress).toBeNull();
    expect(reduce(decoding, { type: 'error', runId: null, message: 'train-00000-of-00001.parquet is cut short' }).datasetProgress).toBeNull();
    // A late report after the load ended changes nothing.
    expect(reduce(INITIAL_STATE, { type: 'datasetProgress', message: 'x', done: 1, total: 2 })).toBe(INITIAL_STATE);
  });

  it('ignores events of an older run', () => {
    const running = { ...INITIAL_STATE, runId: 'r2', phase: 'running' as const };
    expect(reduce(running, { type: 'progress', runId: 'r1', event: step(1) })).toBe(running);
    expect(reduce(running, { type: 'done', runId: 'r1', result: {} as RunResult })).toBe(running);
  });

  it('shows kernel compilation k of n while starting, and forgets it at the first step', () => {
    const starting = { ...INITIAL_STATE, backend, runId: 'r1', phase: 'starting' as const };
    const compiling = reduce(reduce(starting, { type: 'compiling', runId: 'r1', done: 0, total: 71 }), { type: 'compiling', runId: 'r1', done: 12, total: 71 });
    expect(compiling.compiling).toEqual({ done: 12, total: 71 });
    expect(reduce(compiling, { type: 'compiling', runId: 'r0', done: 13, total: 71 })).toBe(compiling);
    const running = reduce(compiling, { type: 'progress', runId: 'r1', event: step(1) });
    expect(running.phase).toBe('running');
    expect(running.compiling).toBeNull();
    // A late report after the first step changes nothing.
    expect(reduce(running, { type: 'compiling', runId: 'r1', done: 71, total: 71 })).toBe(running);
  });

  it('does not let a late pause acknowledgement undo a stop', () => {
    const stopping = { ...INITIAL_STATE, runId: 'r1', phase: 'stopping' as const };
    expect(reduce(stopping, { type: 'paused', runId: 'r1', paused: true }).phase).toBe('stopping');
  });
});

describe('createTrainingClient', () => {
  it('sends typed requests and walks a run from start to done', async () => {
    vi.useFakeTimers();
    const { port, sent, emit } = fakeWorker();
    const client = createTrainingClient(port, 150);
    const seen: string[] = [];
    client.subscribe(() => seen.push(client.getSnapshot().phase));
    client.init('auto');
    emit({ type: 'ready', backend });
    emit({ type: 'dataset', info: synthetic });
    const config = makeConfig({ run: { epochs: 1 } });
    client.start(config);
    const runId = client.getSnapshot().runId;
    expect(sent.map((s) => s.message.type)).toEqual(['init', 'start']);
    expect(sent[1].message).toEqual({ type: 'start', runId, config });

    emit({ type: 'progress', runId: runId!, event: step(1) });
    client.pause();
    emit({ type: 'paused', runId: runId!, paused: true });
    expect(client.getSnapshot().phase).toBe('paused');
    client.resume();
    emit({ type: 'paused', runId: runId!, paused: false });
    emit({ type: 'progress', runId: runId!, event: step(2) });
    emit({ type: 'progress', runId: runId!, event: epoch });
    expect(sent.slice(2).map((s) => s.message)).toEqual([
      { type: 'pause', runId },
      { type: 'resume', runId },
    ]);
    const state = client.getSnapshot();
    expect(state.steps.map((s) => s.step)).toEqual([1, 2]);
    expect(state.epochs).toEqual([epoch]);
    emit({ type: 'done', runId: runId!, result: { status: 'finished' } as RunResult });
    await vi.runAllTimersAsync();
    expect(client.getSnapshot().phase).toBe('done');
    expect(client.getSnapshot().result?.status).toBe('finished');
    expect(seen.at(-1)).toBe('done');
    vi.useRealTimers();
  });

  it('notifies at most once per interval for a burst of progress events', async () => {
    vi.useFakeTimers();
    const { port, emit } = fakeWorker();
    const client = createTrainingClient(port, 150);
    client.start(makeConfig());
    await vi.runAllTimersAsync();
    const runId = client.getSnapshot().runId!;
    let calls = 0;
    client.subscribe(() => calls++);
    for (let i = 1; i <= 50; i++) emit({ type: 'progress', runId, event: step(i) });
    await vi.advanceTimersByTimeAsync(160);
    expect(calls).toBe(1);
    expect(client.getSnapshot().steps).toHaveLength(50);
    vi.useRealTimers();
  });

  it('transfers file bytes to the worker instead of copying them', async () => {
    const { port, sent } = fakeWorker();
    const client = createTrainingClient(port);
    const file = new File([new Uint8Array([1, 2, 3])], 'data_batch_1.bin');
    await client.loadFiles([file]);
    const [{ message, transfer }] = sent;
    expect(message.type).toBe('loadDataset');
    if (message.type !== 'loadDataset' || message.source.kind !== 'cifar-files') throw new Error('wrong request');
    expect(message.source.files[0].name).toBe('data_batch_1.bin');
    expect(new Uint8Array(message.source.files[0].bytes)).toEqual(new Uint8Array([1, 2, 3]));
    expect(transfer).toEqual([message.source.files[0].bytes]);
    expect(client.getSnapshot().datasetLoading).toBe(true);
  });
});

describe('Hugging Face datasets', () => {
  it('transfers checked Parquet files with where to keep them, and reloads the kept copy after a worker restart', () => {
    const { port, sent, emit } = fakeWorker();
    const client = createTrainingClient(port);
    const bytes = new Uint8Array([80, 65, 82, 49]).buffer;
    client.loadParquet([{ name: 'train-00000-of-00001.parquet', bytes }], { key: 'https://huggingface.co/datasets/uoft-cs/cifar10', name: 'CIFAR-10 (Hugging Face)' });
    expect(sent[0].message).toEqual({ type: 'loadDataset', source: { kind: 'parquet', files: [{ name: 'train-00000-of-00001.parquet', bytes }], storeAs: { key: 'https://huggingface.co/datasets/uoft-cs/cifar10', name: 'CIFAR-10 (Hugging Face)' } } });
    expect(sent[0].transfer).toEqual([bytes]);
    emit({ type: 'dataset', info: { ...synthetic, name: 'CIFAR-10', id: 'cifar10' } });
    emit({ type: 'workerRestarted', message: 'The training worker stopped answering and was restarted.' });
    expect(sent.at(-1)?.message).toEqual({ type: 'loadDataset', source: { kind: 'stored', key: 'https://huggingface.co/datasets/uoft-cs/cifar10', name: 'CIFAR-10 (Hugging Face)' } });
  });
});

describe('faults', () => {
  const running = { ...INITIAL_STATE, backend, dataset: synthetic, runId: 'r1', phase: 'running' as const, steps: [step(1), step(2), step(3)], epochs: [epoch] };

  it('shows a lost GPU, the new device and the resume, and takes the charts back to the checkpoint', () => {
    let s = reduce(running, { type: 'interrupted', runId: 'r1', message: 'The GPU was lost (the device was destroyed) at step 3. The run resumes from its checkpoint after epoch 1.', checkpointEpoch: 1, resuming: true });
    expect(s.phase).toBe('running');
    s = reduce(s, { type: 'ready', backend, recovered: true });
    s = reduce(s, { type: 'resumed', runId: 'r1', fromEpoch: 1, fromStep: 2, epochs: [], steps: [] });
    expect(s.runNotice).toBe('The GPU was lost (the device was destroyed) at step 3. The run resumes from its checkpoint after epoch 1. The backend was restarted on a new GPU device. Resumed after epoch 1.');
    expect(s.steps.map((x) => x.step)).toEqual([1, 2]);
    expect(s.runError).toBeNull();
  });

  it('ends the run with the message when the GPU cannot be resumed', () => {
    const s = reduce(running, { type: 'interrupted', runId: 'r1', message: 'lost 3 times', checkpointEpoch: 1, resuming: false });
    expect(s.phase).toBe('done');
    expect(s.runError).toEqual({ message: 'lost 3 times' });
  });

  it('re-initialises a restarted worker and reloads its dataset, marking the live run interrupted', () => {
    vi.useFakeTimers();
    const { port, sent, emit } = fakeWorker();
    const client = createTrainingClient(port, 0);
    client.init('webgpu', true);
    client.loadSynthetic({ seed: 1, trainCount: 500, testCount: 100 });
    emit({ type: 'ready', backend });
    emit({ type: 'dataset', info: synthetic });
    client.start(makeConfig({}));
    emit({ type: 'progress', runId: client.getSnapshot().runId ?? '', event: step(4) });
    sent.length = 0;
    emit({ type: 'workerRestarted', message: 'The training worker stopped (it threw an uncaught error: boom) and was restarted.' });
    const s = client.getSnapshot();
    expect(s.phase).toBe('done');
    expect(s.backend).toBeNull();
    expect(s.runError?.message).toBe('The training worker stopped (it threw an uncaught error: boom) and was restarted. The run was interrupted at step 4; start it again.');
    expect(sent.map((x) => x.message)).toEqual([
      { type: 'init', backend: 'webgpu', allowFaults: true },
      { type: 'loadDataset', source: { kind: 'synthetic', seed: 1, trainCount: 500, testCount: 100 } },
    ]);
    vi.useRealTimers();
  });
});
