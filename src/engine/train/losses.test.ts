// Top-1 and top-5 on hand-made logits, ties included. A tie is broken towards the lower class
// index (tf.argMax and tf.topk both document this), so a label tied with an earlier class at
// the cut-off does not count: the rule never credits a guess the network did not make.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCorrect, countTopK, softCrossEntropy } from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Seven classes; each row's label and where it ranks.
const LOGITS = [
  [1, 3, 3, 0, 0, 0, 0], // label 2, tied with class 1 for the top: rank 2 (top-5 only)
  [5, 1, 1, 1, 1, 1, 1], // label 6, tied with 1..5: ranks behind them (rank 7, neither)
  [0, 0, 0, 0, 0, 0, 9], // label 6: top-1
  [2, 1, 0, -1, -2, -3, -4], // label 4: rank 5 exactly (top-5 only)
  [0, 4, 4, 4, 4, 4, 4], // label 1: tied with 2..6 but lowest index: top-1
  [3, 2, 2, 2, 2, 2, 0], // label 5: tied with 1..4 behind class 0: rank 6 (neither)
];
const LABELS = [2, 6, 6, 4, 1, 5];

describe('accuracy counts', () => {
  it('counts top-1 and top-5 with ties broken towards the lower class index', () => {
    const logits = tf.tensor2d(LOGITS);
    const labels = tf.tensor1d(LABELS, 'int32');
    expect(countTopK(logits, labels, 1).dataSync()[0]).toBe(2); // rows 2 and 4
    expect(countTopK(logits, labels, 5).dataSync()[0]).toBe(4); // rows 0, 2, 3 and 4
    // k beyond the classes counts every row.
    expect(countTopK(logits, labels, 10).dataSync()[0]).toBe(6);
    tf.dispose([logits, labels]);
  });

  it('training accuracy compares the argmax of logits and of (soft) targets', () => {
    const logits = tf.tensor2d(LOGITS);
    const oneHot = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 7).toFloat() as tf.Tensor2D;
    expect(countCorrect(logits, oneHot, 'stock').dataSync()[0]).toBe(2);
    // A mixed target counts for its larger part: row 0 as 0.6·class 1 + 0.4·class 2 is a hit.
    const mixed = tf.tensor2d([[0, 0.6, 0.4, 0, 0, 0, 0]]);
    expect(countCorrect(tf.tensor2d([LOGITS[0]]), mixed, 'stock').dataSync()[0]).toBe(1);
    tf.dispose([logits, oneHot, mixed]);
  });

  it('soft cross-entropy: −Σ t log softmax(z), by hand for two rows', () => {
    const z = tf.tensor2d([
      [0, Math.log(3)], // softmax [1/4, 3/4]
      [Math.log(2), 0], // softmax [2/3, 1/3]
    ]);
    const t = tf.tensor2d([
      [0.5, 0.5],
      [1, 0],
    ]);
    const expected = (-(0.5 * Math.log(1 / 4) + 0.5 * Math.log(3 / 4)) - Math.log(2 / 3)) / 2;
    expect(softCrossEntropy(z, t, 'stock').dataSync()[0]).toBeCloseTo(expected, 6);
    tf.dispose([z, t]);
  });
});
