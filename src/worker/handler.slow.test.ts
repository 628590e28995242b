/**
 * The worker's fault handling, on a real WebGPU device (Dawn on SwiftShader in Node): a run too
 * big for the device is refused naming the setting to lower and the worker carries on; a device
 * destroyed mid-run interrupts the run, the backend comes back on a new device and the run
 * resumes from its last checkpoint, ending as the uninterrupted run does; a device that reports
 * running out of memory mid-run ends the run with the setting to lower.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../engine/config';
import type { EpochMetrics } from '../engine/events';
import { currentDevice } from '../engine/gpuDevice';
import { startWebGPU } from '../../test/support/testEnv';
import type { RunResult } from '../engine/results';
import { createWorkerHandler } from './handler';
import type { WorkerEvent } from './protocol';

const SYNTHETIC = { kind: 'synthetic', seed: 2, trainCount: 48, testCount: 16 } as const;

function tinyConfig(patch: Partial<ExperimentConfig['optim']> = {}): ExperimentConfig {
  return makeConfig({
    model: { depth: 8, widthMultiplier: 0.25 },
    data: { dataset: 'synthetic', resolution: 8, trainLimit: 48 },
    optim: { batchSize: 16, ...patch },
    run: { epochs: 3, logEvery: 1, seed: 4 },
  });
}

/** A handler with its events collected; `onEvent` may act on each (e.g. destroy the device). */
async function startHandler(onEvent: (e: WorkerEvent) => void = () => {}, source: typeof SYNTHETIC | { kind: 'synthetic'; seed: number; trainCount: number; testCount: number } = SYNTHETIC) {
  const events: WorkerEvent[] = [];
  const handler = createWorkerHandler({
    post: (e) => {
      events.push(e);
      onEvent(e);
    },
    environment: { userAgent: 'vitest', runtime: 'node' },
  });
  await handler.handle({ type: 'init', backend: 'webgpu', allowFaults: true });
  await handler.handle({ type: 'loadDataset', source });
  return { handler, events };
}

const doneOf = (events: WorkerEvent[], runId: string): RunResult | undefined =>
  events.flatMap((e) => (e.type === 'done' && e.runId === runId ? [e.result] : []))[0];

beforeAll(startWebGPU);

describe('the worker on a lost GPU device', () => {
  it('interrupts the run, restarts WebGPU on a new device and resumes from the checkpoint, ending as the uninterrupted run', { timeout: 300_000 }, async () => {
    const reference = await startHandler();
    await reference.handler.handle({ type: 'start', runId: 'ref', config: tinyConfig() });
    const expected = doneOf(reference.events, 'ref');
    expect(expected?.status).toBe('finished');

    const lostDevice = currentDevice();
    let destroyed = false;
    const { handler, events } = await startHandler((e) => {
      // Lose the device in epoch 2, after epoch 1's checkpoint.
      if (!destroyed && e.type === 'progress' && e.event.kind === 'step' && e.event.epoch === 2) {
        destroyed = true;
        void handler.handle({ type: 'injectFault', fault: 'lose-device' });
      }
    });
    await handler.handle({ type: 'start', runId: 'r1', config: tinyConfig() });

    const interrupted = events.find((e) => e.type === 'interrupted');
    expect(interrupted).toMatchObject({ type: 'interrupted', runId: 'r1', checkpointEpoch: 1, resuming: true });
    expect(interrupted?.type === 'interrupted' && interrupted.message).toMatch(/^The GPU was lost \(the device was destroyed.*\) at step \d+\. The run resumes from its checkpoint after epoch 1\.$/);
    const recovered = events.find((e) => e.type === 'ready' && e.recovered);
    expect(recovered).toBeDefined();
    expect(currentDevice()).not.toBe(lostDevice);
    const resumed = events.find((e) => e.type === 'resumed');
    expect(resumed).toMatchObject({ runId: 'r1', fromEpoch: 1 });
    expect(resumed?.type === 'resumed' && resumed.epochs.map((m: EpochMetrics) => m.epoch)).toEqual([1]);
    // The order a user sees: interrupted, backend back, resumed, done.
    const order = events.map((e) => e.type).filter((t) => ['interrupted', 'ready', 'resumed', 'done', 'error'].includes(t));
    expect(order).toEqual(['ready', 'interrupted', 'ready', 'resumed', 'done']);

    const result = doneOf(events, 'r1');
    expect(result?.status, result?.message ?? '').toBe('finished');
    expect(result?.epochs.map((m) => m.epoch)).toEqual([1, 2, 3]);
    // The checkpoint holds the whole state: the resumed run ends where the uninterrupted one did.
    result?.epochs.forEach((m, i) => {
      expect(m.trainLoss).toBeCloseTo(expected?.epochs[i].trainLoss ?? NaN, 4);
      expect(m.valTop1).toBeCloseTo(expected?.epochs[i].valTop1 ?? NaN, 4);
    });
    expect(tf.getBackend()).toBe('webgpu');
  });
});

describe('the worker on a run too big for the device', () => {
  it('refuses it naming the batch size, then trains the next run', { timeout: 300_000 }, async () => {
    const { handler, events } = await startHandler(undefined, { kind: 'synthetic', seed: 2, trainCount: 800, testCount: 16 });
    // 768 images at 64×64, width ×8 (128 channels): a 1.5 GiB first activation; SwiftShader allows 1 GiB per buffer.
    const base = tinyConfig({ batchSize: 768 });
    const huge = makeConfig({ ...base, model: { ...base.model, widthMultiplier: 8 }, data: { ...base.data, resolution: 64, trainLimit: null } });
    await handler.handle({ type: 'start', runId: 'big', config: huge });
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ runId: 'big', field: 'optim.batchSize' });
    expect(error?.type === 'error' && error.message).toMatch(/^Out of memory: a batch of 768 images at 64×64 needs a 1\.5 GiB activation buffer, and this device allows 1\.0 GiB per buffer\. To fit it, lower the batch size \(optim\.batchSize, now 768; try 512\)/);
    expect(doneOf(events, 'big')).toBeUndefined();

    await handler.handle({ type: 'start', runId: 'next', config: tinyConfig() });
    expect(doneOf(events, 'next')?.status).toBe('finished');
  });

  it('ends a run as failed with the same advice when the device reports running out of memory mid-run', { timeout: 120_000 }, async () => {
    let reported = false;
    const { handler, events } = await startHandler((e) => {
      if (reported || e.type !== 'progress' || e.event.kind !== 'step') return;
      reported = true;
      // What Dawn or Chrome raises when an allocation fails: an uncaptured GPUOutOfMemoryError.
      const g = globalThis as unknown as { GPUUncapturedErrorEvent: new (type: string, init: { error: unknown }) => Event; GPUOutOfMemoryError: new (message: string) => unknown };
      const device = currentDevice() as unknown as EventTarget;
      device.dispatchEvent(new g.GPUUncapturedErrorEvent('uncapturederror', { error: new g.GPUOutOfMemoryError('Allocation failed') }));
    });
    await handler.handle({ type: 'start', runId: 'oom', config: tinyConfig() });
    const result = doneOf(events, 'oom');
    expect(result?.status).toBe('failed');
    expect(result?.message).toBe(
      'Out of memory during training (Allocation failed). To fit it, lower the batch size (optim.batchSize, now 16; try 8), or the input resolution (data.resolution, now 8) or the width (model.widthMultiplier, now 0.25).',
    );
    expect(result?.epochs).toEqual([]);
  });
});
