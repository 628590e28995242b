/**
 * Test helpers: tiny real runs on the tfjs CPU backend (depth 8, width ×0.25, 16×16 inputs,
 * 32 training images), and LabRun records made from them or from hand-written numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { makeConfig, type ExperimentConfig } from '../../src/engine/config';
import { createSyntheticDataset } from '../../src/engine/data/synthetic';
import type { Environment, RunResult } from '../../src/engine/results';
import { startTraining } from '../../src/engine/train/trainer';
import type { LabRun } from '../../src/engine/lab/types';

export const testEnvironment: Environment = { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'vitest', runtime: 'node' };
export const testDataset = createSyntheticDataset({ seed: 4, trainCount: 96, testCount: 32 });

export const tinyConfig: ExperimentConfig = makeConfig({
  name: 'baseline',
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { resolution: 16, trainLimit: 32, valLimit: 32 },
  optim: { batchSize: 16 },
  run: { epochs: 1, logEvery: 1, seed: 1, backend: 'cpu' },
});

/** Trains one tiny run on the CPU backend; `onWeights` receives the final weights. */
export async function trainTiny(config: ExperimentConfig, onWeights?: (w: Float32Array[]) => void): Promise<RunResult> {
  await tf.setBackend('cpu');
  return startTraining({ config, dataset: testDataset, environment: testEnvironment, onWeights }).result;
}

/** A LabRun record around a result (or a queued run without one). */
export function labRun(id: string, config: ExperimentConfig, result: RunResult | null, patch: Partial<LabRun> = {}): LabRun {
  return {
    id,
    label: config.name,
    planKey: null,
    reference: false,
    config,
    status: result ? result.status : 'queued',
    message: result?.message ?? null,
    epochs: result?.epochs ?? [],
    steps: result?.steps ?? [],
    result,
    source: 'local',
    origin: null,
    teacherRunId: null,
    checkpointEpoch: null,
    hasWeights: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...patch,
  };
}

/** A finished result with given final accuracies (no training), for table and chart tests. */
export function fakeResult(config: ExperimentConfig, valTop1: number, opts: { bestValTop1?: number; valTop5?: number; wallSeconds?: number } = {}): RunResult {
  const epoch = { epoch: 1, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valTop1, valTop5: opts.valTop5 ?? 0.9, lr: 0.1, seconds: 1, imagesPerSecond: 100 };
  const wallSeconds = opts.wallSeconds ?? 10;
  return {
    schemaVersion: 1,
    app: { name: 'trick-lab', version: '0.1.0' },
    config,
    dataset: { name: 'synthetic', trainCount: 32, valCount: 32, numClasses: 10 },
    environment: testEnvironment,
    status: 'finished',
    message: null,
    epochs: [epoch],
    steps: [{ step: 1, epoch: 1, loss: 1, lr: 0.1, imagesPerSecond: 100 }],
    final: { valTop1, valTop5: epoch.valTop5, valLoss: 1, bestValTop1: opts.bestValTop1 ?? valTop1, trainLoss: 1, trainAccuracy: 0.5 },
    timings: { startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:10.000Z', wallSeconds, imagesPerSecond: 320 / wallSeconds },
  };
}
