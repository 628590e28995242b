/**
 * Test helpers for the trick tests (used only by *.test.ts): a tiny config, a fixed batch, a
 * small teacher, and `runOneStep`, which builds a model and train step exactly as the trainer
 * does, applies the batch hooks, takes one SGD step and reads everything back, so a trick's
 * effect (or absence of effect) shows in plain numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { makeConfig, type ExperimentConfig, type ModelConfig } from '../../src/engine/config';
import { countParams, createModel, disposeModel, readWeights } from '../../src/engine/model';
import { createTeacher, type Teacher } from '../../src/engine/model/teacher';
import { createRng } from '../../src/engine/rng';
import { buildLrSchedule } from '../../src/engine/train/schedule';
import { createTrainStep } from '../../src/engine/train/step';
import { createTrickStreams } from '../../src/engine/tricks/resolve';
import type { Batch, Trick } from '../../src/engine/tricks/types';

export const NUM_CLASSES = 10;
export const BATCH = 8;
export const SIDE = 8;
export const STEPS_PER_EPOCH = 10;

/** Depth 8, width ×0.25, 10 epochs (so that 5 warmup epochs fit), no trick on. */
export function tinyConfig(tricks: ExperimentConfig['tricks'] = {}): ExperimentConfig {
  return makeConfig({ model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: SIDE }, optim: { batchSize: BATCH }, run: { epochs: 10, seed: 7 }, tricks });
}

/** The config with one trick on at its default parameters. */
export function withTrick(trick: Trick, enabled = true, base: ExperimentConfig = tinyConfig()): ExperimentConfig {
  const params = Object.fromEntries(trick.params.map((p) => [p.key, p.default]));
  return { ...base, tricks: { ...base.tricks, [trick.id]: { enabled, params } } };
}

/** A fixed batch: normal inputs from a seeded Rng, one-hot labels 0, 1, …, 7. */
export function fixedBatch(n = BATCH, side = SIDE): Batch {
  const rng = createRng(42);
  const x = new Float32Array(n * side * side * 3).map(() => rng.normal());
  const labels = Array.from({ length: n }, (_, i) => i % NUM_CLASSES);
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D);
  return { x: tf.tensor4d(x, [n, side, side, 3]), targets };
}

/** The teacher model's architecture (differs from the student's by its seed and width). */
export const TEACHER_MODEL: ModelConfig = { ...makeConfig().model, depth: 8, widthMultiplier: 0.5 };

/** A teacher with seeded random weights, as a finished run's weights would be loaded. */
export async function makeTeacher(seed = 99): Promise<Teacher> {
  const m = createModel(TEACHER_MODEL, NUM_CLASSES, createRng(seed));
  const weights = await readWeights(m);
  disposeModel(m);
  return createTeacher(TEACHER_MODEL, weights, NUM_CLASSES);
}

/** Everything one step produces, read back. */
export interface StepResult {
  /** LR at every step of the run (10 steps per epoch). */
  lrs: number[];
  preparedX: number[];
  preparedTargets: number[];
  preparedShapes: number[][];
  loss: number;
  weights: Float32Array[];
  paramCount: number;
}

/** One training step on `fixedBatch()` for `config`, as the trainer would take it. */
export async function runOneStep(config: ExperimentConfig, teacher?: Teacher): Promise<StepResult> {
  const rng = createRng(config.run.seed);
  const model = createModel(config.model, NUM_CLASSES, rng.fork('init'));
  const step = createTrainStep({ model, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(rng.fork('tricks')), teacher: teacher?.logits } });
  const { lr } = buildLrSchedule(config, STEPS_PER_EPOCH);
  const batch = fixedBatch();
  const prepared = step.prepare(batch);
  const out = step.run(prepared, lr(0));
  const result: StepResult = {
    lrs: Array.from({ length: STEPS_PER_EPOCH * config.run.epochs }, (_, i) => lr(i)),
    preparedX: Array.from(await prepared.x.data()),
    preparedTargets: Array.from(await prepared.targets.data()),
    preparedShapes: [prepared.x.shape, prepared.targets.shape],
    loss: (await out.loss.data())[0],
    weights: await readWeights(model),
    paramCount: countParams(model),
  };
  tf.dispose([batch.x, batch.targets, prepared.x, prepared.targets, out.loss, out.correct]);
  step.dispose();
  disposeModel(model);
  return result;
}
