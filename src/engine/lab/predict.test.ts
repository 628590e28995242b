import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { IMAGE_BYTES } from '../data/types';
import { prepareData } from '../train/trainer';
import { confusionMatrix, predictValidation } from './predict';
import { testDataset, tinyConfig, trainTiny } from '../../../test/support/testRuns';

describe('predictions for a finished run', () => {
  it('counts a confusion matrix by hand', () => {
    expect(confusionMatrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(() => confusionMatrix([0], [], 3)).toThrow(/1 labels but 0 predictions/);
  });

  it('rebuilds the model from its weights: the matrix agrees with the run\'s final accuracy', async () => {
    let weights: Float32Array[] = [];
    const result = await trainTiny(tinyConfig, (w) => (weights = w));
    const before = tf.memory().numTensors;
    const p = await predictValidation(testDataset, tinyConfig, weights, 8);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.total).toBe(32);
    expect(p.confusion.flat().reduce((a, b) => a + b, 0)).toBe(32);
    expect(p.correct / p.total).toBeCloseTo(result.final?.valTop1 ?? -1, 6);
    // The samples are the first validation images with their true labels.
    const val = prepareData(testDataset, tinyConfig).val;
    expect(p.samples.count).toBe(8);
    expect(p.samples.labels).toEqual(Array.from(val.labels.subarray(0, 8)));
    expect(p.samples.images).toEqual(val.images.subarray(0, 8 * IMAGE_BYTES));
    expect(p.samples.predicted.every((c) => c >= 0 && c < 10)).toBe(true);
    expect(p.classNames).toEqual(testDataset.classNames);
  });
});
