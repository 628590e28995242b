// Tiny real training runs through startTraining on the synthetic set (depth 8, width ×0.25,
// one epoch): every trick on at once (16×16 inputs, 64 images, batch 32), and each trick alone
// (8×8, 32 images, batch 16, to keep the suite fast on a CPU): the run finishes with a finite
// loss. Distillation without a teacher, or with weights that do not fit, fails with a message.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../config';
import { createSyntheticDataset } from '../data/synthetic';
import { createModel, disposeModel, readWeights } from '../model';
import type { TeacherSpec } from '../model/teacher';
import type { Environment } from '../results';
import { createRng } from '../rng';
import { startTraining } from '../train/trainer';
import { NO_TEACHER_MESSAGE } from './catalog';
import { distillation } from './distillation';
import { TRICKS } from './registry';
import type { Trick } from './types';

const environment: Environment = { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'vitest', runtime: 'node' };
const dataset = createSyntheticDataset({ seed: 1, trainCount: 64, testCount: 32 });
let teacher: TeacherSpec;

/** One epoch of 2 steps; warmup shortened to fit inside it. `small`: 8×8, 32 images, batch 16. */
function tinyRun(tricks: readonly Trick[], small = false): ExperimentConfig {
  const config = makeConfig({
    model: { depth: 8, widthMultiplier: 0.25 },
    data: { resolution: small ? 8 : 16, trainLimit: small ? 32 : null, valLimit: small ? 16 : null },
    optim: { batchSize: small ? 16 : 32 },
    run: { epochs: 1, logEvery: 1, seed: 3 },
  });
  for (const t of tricks) {
    const params = Object.fromEntries(t.params.map((p) => [p.key, p.default]));
    if (t.id === 'warmup') params.epochs = 0.5;
    config.tricks[t.id] = { enabled: true, params };
  }
  return config;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = { ...makeConfig().model, depth: 8, widthMultiplier: 0.5 };
  const m = createModel(model, 10, createRng(5));
  teacher = { model, weights: await readWeights(m) };
  disposeModel(m);
});

describe('training with tricks', () => {
  it('finishes with a finite loss with every trick on at once', async () => {
    const result = await startTraining({ config: tinyRun(TRICKS), dataset, environment, teacher }).result;
    expect(result.message).toBeNull();
    expect(result.status).toBe('finished');
    expect(result.steps.every((s) => Number.isFinite(s.loss))).toBe(true);
    expect(Number.isFinite(result.epochs[0].trainLoss)).toBe(true);
  });

  for (const trick of TRICKS) {
    it(`finishes with a finite loss with ${trick.id} alone`, async () => {
      const result = await startTraining({ config: tinyRun([trick], true), dataset, environment, teacher }).result;
      expect(result.status).toBe('finished');
      expect(Number.isFinite(result.epochs[0].trainLoss)).toBe(true);
    });
  }

  it('fails with a clear message when distillation is on without a teacher', async () => {
    const distillation = TRICKS.filter((t) => t.id === 'distillation');
    const result = await startTraining({ config: tinyRun(distillation, true), dataset, environment }).result;
    expect(result.status).toBe('failed');
    expect(result.message).toBe(NO_TEACHER_MESSAGE);
  });

  it('distils from a finished run: onWeights hands over its weights as the teacher', async () => {
    const first = tinyRun([], true);
    let saved: Float32Array[] | null = null;
    const done = await startTraining({ config: first, dataset, environment, onWeights: (w) => (saved = w) }).result;
    expect(done.status).toBe('finished');
    expect(saved).not.toBeNull();
    const spec: TeacherSpec = { model: first.model, weights: saved as unknown as Float32Array[] };
    const distillation = TRICKS.filter((t) => t.id === 'distillation');
    const result = await startTraining({ config: tinyRun(distillation, true), dataset, environment, teacher: spec }).result;
    expect(result.status).toBe('finished');
    expect(Number.isFinite(result.epochs[0].trainLoss)).toBe(true);
  });

  it('fails naming the problem when the teacher\'s weights do not fit its model', async () => {
    const wrong: TeacherSpec = { model: { ...teacher.model, widthMultiplier: 1 }, weights: teacher.weights };
    const result = await startTraining({ config: tinyRun([distillation], true), dataset, environment, teacher: wrong }).result;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^teacher: weights: tensor 0 has/);
  });

  it('does not build a teacher for a run without distillation (the worker offers the last run\'s)', async () => {
    const wrong: TeacherSpec = { model: { ...teacher.model, widthMultiplier: 1 }, weights: teacher.weights };
    const result = await startTraining({ config: tinyRun([], true), dataset, environment, teacher: wrong }).result;
    expect(result.status).toBe('finished');
  });
});
