// Knowledge distillation: the loss against a hand computation, zero extra loss when student and
// teacher agree, and the teacher built from saved weights in inference mode.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, disposeModel, readWeights } from '../model';
import { createTeacher } from '../model/teacher';
import { createRng } from '../rng';
import { softCrossEntropy } from '../train/losses';
import { NO_TEACHER_MESSAGE } from './catalog';
import { distillation, distillationTerm } from './distillation';
import { NUM_CLASSES, TEACHER_MODEL, tinyConfig } from '../../../test/support/testHarness';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const softmax = (v: number[]) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('knowledge distillation', () => {
  it('adds T²·KL(softmax(r/T) ‖ softmax(z/T)) to the cross-entropy (hand computation, T = 2)', () => {
    const z = [1, 2, 0];
    const r = [0, 1, 3];
    const p = [0, 1, 0];
    const q = softmax(r.map((v) => v / 2));
    const s = softmax(z.map((v) => v / 2));
    const kl = q.reduce((acc, qi, i) => acc + qi * Math.log(qi / s[i]), 0);
    const ce = -Math.log(softmax(z)[1]);
    const expected = ce + 4 * kl;

    const logits = tf.tensor2d([z]);
    const targets = tf.tensor2d([p]);
    const teacherLogits = tf.tensor2d([r]);
    const base = softCrossEntropy(logits, targets, 'stock');
    const runtime = { config: tinyConfig(), numClasses: 3, rng: createRng(1), teacher: () => teacherLogits.clone() };
    const loss = distillation.loss?.({ logits, targets, x: tf.zeros([1, 1, 1, 3]) as tf.Tensor4D, base }, { temperature: 2 }, runtime) as tf.Scalar;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([logits, targets, teacherLogits, base, loss]);
  });

  it('adds nothing when the student already matches the teacher', () => {
    const z = tf.tensor2d([[0.3, -1, 2], [5, 5, 1]]);
    const term = distillationTerm(z, z, 20);
    expect(term.dataSync()[0]).toBeCloseTo(0, 6);
    tf.dispose([z, term]);
  });

  it('fails with a clear message when no teacher is loaded', () => {
    const logits = tf.tensor2d([[1, 2]]);
    const call = () => distillation.loss?.({ logits, targets: logits, x: tf.zeros([1, 1, 1, 3]) as tf.Tensor4D, base: tf.scalar(0) }, { temperature: 20 }, { config: tinyConfig(), numClasses: 2, rng: createRng(1) });
    expect(call).toThrow(NO_TEACHER_MESSAGE);
    logits.dispose();
  });

  it('builds the teacher from saved weights: the same logits as the model in inference mode', async () => {
    const source = createModel(TEACHER_MODEL, NUM_CLASSES, createRng(8));
    const weights = await readWeights(source);
    const teacher = createTeacher(TEACHER_MODEL, weights, NUM_CLASSES);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const expected = tf.tidy(() => source.forward(x, { training: false, bnStats: [], round: (t) => t, kernels: 'stock' }));
    const got = teacher.logits(x);
    expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, expected, got]);
    teacher.dispose();
    disposeModel(source);
  });

  it('rejects weights of another architecture, naming the problem', async () => {
    const other = createModel(tinyConfig().model, NUM_CLASSES, createRng(8));
    const weights = await readWeights(other);
    disposeModel(other);
    expect(() => createTeacher(TEACHER_MODEL, weights, NUM_CLASSES)).toThrow(/^teacher: weights: tensor 0 has/);
  });
});
