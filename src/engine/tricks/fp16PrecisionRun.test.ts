/**
 * The precision note in real runs: with FP16 on, every step event says what the run trains in
 * (on Dawn, as the adapter's shader-f16 makes it read: SwiftShader has none, so "no shader-f16";
 * on the CPU backend, the CPU); with FP16 off, no step event carries one.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../config';
import type { StepEvent, TrainEvent } from '../events';
import { startTraining } from '../train/trainer';
import { testDataset, testEnvironment } from '../../../test/support/testRuns';
import { useWebGPU } from '../../../test/support/testEnv';
import { withTrick } from '../../../test/support/testHarness';
import { fp16 } from './fp16';
import { fp16PrecisionNote } from './fp16Precision';

useWebGPU();

/** 24 images in batches of 12 at 12×12: two logged steps. */
const base = makeConfig({
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { resolution: 12, trainLimit: 24, valLimit: 12 },
  optim: { batchSize: 12 },
  run: { epochs: 1, logEvery: 1, seed: 3 },
});

/** Trains `config` on `backend` and returns its step events. */
async function stepEvents(config: ExperimentConfig, backend: 'webgpu' | 'cpu'): Promise<StepEvent[]> {
  await tf.setBackend(backend);
  const events: TrainEvent[] = [];
  const result = await startTraining({ config, dataset: testDataset, environment: testEnvironment, onEvent: (e) => events.push(e) }).result;
  expect(result.status).toBe('finished');
  const steps = events.filter((e): e is StepEvent => e.kind === 'step');
  expect(steps).toHaveLength(2);
  return steps;
}

describe('the precision note of a run', () => {
  it('on WebGPU with FP16: emulated, and whether the adapter offers shader-f16', async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    const shaderF16 = adapter?.features.has('shader-f16') ?? false;
    const steps = await stepEvents(withTrick(fp16, true, base), 'webgpu');
    for (const s of steps) expect(s.precision).toBe(fp16PrecisionNote('webgpu', { shaderF16 }));
    if (/swiftshader/i.test(adapter?.info.architecture ?? '')) expect(steps[0].precision).toMatch(/^FP16 emulated: .*\(this GPU has no shader-f16\)$/);
  });

  it('on the CPU backend with FP16: emulated, naming the backend', async () => {
    const steps = await stepEvents(withTrick(fp16, true, base), 'cpu');
    for (const s of steps) expect(s.precision).toBe('FP16 emulated: values rounded to half precision, stored as fp32 (the CPU backend has no half-precision storage)');
  });

  it('without FP16: none', async () => {
    for (const s of await stepEvents(base, 'cpu')) expect(s).not.toHaveProperty('precision');
  });
});
