/**
 * A soak run (robustness issue: "long runs"): a tiny model trained for thousands of steps with
 * the tricks that keep state across steps switched on, sampling what the backend holds
 * (memory.ts) at every logged step. Once the first epoch has warmed tfjs's buffer pool up, a run
 * must hold exactly as much at step 2,000 as at step 200; `growth` says by how much it does not.
 * Shared by the unit test and `npm run soak` (which runs it on WebGPU for the full length).
 */
import { makeConfig, type ExperimentConfig } from '../config';
import { createSyntheticDataset } from '../data/synthetic';
import { sampleMemory, type MemorySample } from '../memory';
import type { Environment, RunResult } from '../results';
import { startTraining } from './trainer';
import { validateConfig } from '../validateConfig';

/** Optimiser steps in one epoch of the soak run (200 images, batch 2). */
export const SOAK_STEPS_PER_EPOCH = 100;

export interface SoakReport {
  result: RunResult;
  /** One sample per logged step after the first epoch (the warm-up). */
  samples: { step: number; memory: MemorySample }[];
  /** Largest increase over the first warm sample, per field (0 everywhere = flat). */
  growth: Record<keyof MemorySample, number>;
  seconds: number;
}

/** The soak run's config: depth 8, width ×0.25, 8×8 inputs, batch 2, seven tricks on. */
export function soakConfig(steps: number): ExperimentConfig {
  if (!Number.isInteger(steps / SOAK_STEPS_PER_EPOCH) || steps < 2 * SOAK_STEPS_PER_EPOCH) throw new Error(`steps must be a multiple of ${SOAK_STEPS_PER_EPOCH}, at least ${2 * SOAK_STEPS_PER_EPOCH}`);
  const on = { enabled: true, params: {} };
  return validateConfig(makeConfig({
    name: 'soak',
    model: { depth: 8, widthMultiplier: 0.25 },
    data: { resolution: 8, augment: { crop: true, padding: 1, flip: true } },
    optim: { batchSize: 2 },
    run: { epochs: steps / SOAK_STEPS_PER_EPOCH, logEvery: 25, seed: 7 },
    tricks: { warmup: on, cosine: on, labelSmoothing: on, mixup: on, noBiasDecay: on, zeroGamma: on, fp16: on },
  }));
}

/** Trains the soak run for `steps` steps on the current backend and reports its memory. */
export async function soak(steps: number, environment: Environment): Promise<SoakReport> {
  const dataset = createSyntheticDataset({ seed: 5, trainCount: 2 * SOAK_STEPS_PER_EPOCH, testCount: 8 });
  const samples: SoakReport['samples'] = [];
  const t0 = performance.now();
  const result = await startTraining({
    config: soakConfig(steps),
    dataset,
    environment,
    onEvent: (e) => {
      if (e.kind === 'step' && e.step > SOAK_STEPS_PER_EPOCH) samples.push({ step: e.step, memory: sampleMemory() });
    },
  }).result;
  const first = samples[0]?.memory;
  const growth = { numTensors: 0, numBytes: 0, gpuBytesUsed: 0, gpuBytesAllocated: 0 };
  for (const { memory } of samples) {
    for (const key of Object.keys(growth) as (keyof MemorySample)[]) {
      growth[key] = Math.max(growth[key], (memory[key] ?? 0) - (first?.[key] ?? 0));
    }
  }
  return { result, samples, growth, seconds: (performance.now() - t0) / 1000 };
}
