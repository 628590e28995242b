/**
 * warmPipelines on Dawn: a run creates its model's pipelines before its first step, reports
 * "k of n" as each is ready, and its training and evaluation then find them in the cache.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { testDataset, testEnvironment } from '../../../test/support/testRuns';
import { useWebGPU } from '../../../test/support/testEnv';
import { startTraining } from './trainer';
import { evalBatchSizes } from './warmPipelines';

useWebGPU();

const cacheKeys = () => Object.keys((tf.backend() as unknown as { pipelineCache: object }).pipelineCache);

describe('evalBatchSizes', () => {
  it('is the full batch and the remainder, each once', () => {
    expect(evalBatchSizes(600)).toEqual([256, 88]);
    expect(evalBatchSizes(512)).toEqual([256]);
    expect(evalBatchSizes(40)).toEqual([40]);
  });
});

describe('warmPipelines in a run', () => {
  it('compiles the step and evaluation up front, with k-of-n progress', async () => {
    const config = makeConfig({
      model: { depth: 8, widthMultiplier: 0.25 },
      data: { resolution: 12, trainLimit: 24, valLimit: 20 },
      optim: { batchSize: 12 },
      run: { epochs: 1, logEvery: 1, seed: 3, backend: 'webgpu' },
    });
    const progress: [number, number][] = [];
    let warm: string[] = [];
    const result = await startTraining({
      config, dataset: testDataset, environment: testEnvironment,
      onCompile: (k, n) => {
        progress.push([k, n]);
        if (k === n) warm = cacheKeys();
      },
    }).result;
    expect(result.status).toBe('finished');
    const n = progress[0][1];
    expect(n).toBeGreaterThan(20);
    expect(progress).toEqual(Array.from({ length: n + 1 }, (_, k) => [k, n]));
    // Left for the loop itself: its on-device sums of losses and metrics (adds and a concat), no model kernel.
    const late = cacheKeys().filter((k) => !warm.includes(k));
    expect(late.length).toBeLessThanOrEqual(4);
    for (const key of late) expect(key).toMatch(/^(binary|concat)_/);
  });
});
