/**
 * Long runs (robustness issue): a lab left training for an hour must not creep towards the GPU's
 * memory limit. The soak run (soak.ts: a tiny model, seven stateful tricks) samples tfjs's live
 * tensors and bytes and the WebGPU backend's buffer bytes (in use, and allocated in its pool) at
 * every logged step; after the first epoch every sample must equal the first, so a single leaked
 * tensor per step, or a buffer the pool never reuses, fails it. 2,000 steps on tfjs-cpu; on
 * WebGPU (Dawn on SwiftShader, ~0.2–1 s a step on this 2-core machine) 400 steps here and the
 * full 2,000 with `npm run soak`.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { startWebGPU } from '../../../test/support/testEnv';
import type { BackendInfo } from '../events';
import { soak, type SoakReport } from './soak';

const environment = (name: BackendInfo['name']) => ({ backend: { name, fallbackReason: null, adapter: null }, userAgent: 'vitest', runtime: 'node' as const });

function expectFlat(report: SoakReport, steps: number): void {
  expect(report.result.status, report.result.message ?? '').toBe('finished');
  expect(report.samples.at(-1)?.step).toBe(steps);
  expect(report.samples.length).toBe((steps - 100) / 25);
  expect(report.growth).toEqual({ numTensors: 0, numBytes: 0, gpuBytesUsed: 0, gpuBytesAllocated: 0 });
}

describe('a long run holds no more memory at its end than after its first epoch', () => {
  it('2,000 steps on tfjs-cpu: tensor count and bytes flat', { timeout: 600_000 }, async () => {
    await tf.setBackend('cpu');
    const report = await soak(2000, environment('cpu'));
    expectFlat(report, 2000);
    expect(report.samples[0].memory.numTensors).toBeGreaterThan(20);
  });

  it('400 steps on WebGPU: tensor count, tensor bytes and GPU buffer bytes (used and pooled) flat', { timeout: 600_000 }, async () => {
    await startWebGPU();
    const report = await soak(400, environment('webgpu'));
    expectFlat(report, 400);
    expect(report.samples[0].memory.gpuBytesAllocated).toBeGreaterThan(0);
  });
});
