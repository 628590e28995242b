/**
 * Inspecting a finished run: its saved weights rebuilt into the model, run in inference mode
 * over the same validation split the run was evaluated on, giving the confusion matrix and,
 * for the first images, the predicted labels next to the true ones. Full precision (as a
 * distillation teacher runs), so for an FP16 run the counts may differ slightly from its logged
 * accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { createPlanIterator } from '../data/batches';
import { createInputPipeline } from '../data/inputPipeline';
import { IMAGE_BYTES, type Dataset } from '../data/types';
import { createTeacher } from '../model/teacher';
import { prepareData } from '../train/trainer';
import { validateConfig } from '../validateConfig';

const BATCH = 256;

export interface PredictionSamples {
  /** `count` images, NHWC uint8 32×32×3 each, as stored. */
  images: Uint8Array;
  labels: number[];
  predicted: number[];
  count: number;
}

export interface Predictions {
  classNames: string[];
  /** confusion[trueClass][predictedClass]: image counts over the validation split. */
  confusion: number[][];
  total: number;
  correct: number;
  samples: PredictionSamples;
}

/** Counts (true, predicted) pairs into a numClasses × numClasses matrix. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  if (labels.length !== predicted.length) throw new Error(`confusion: ${labels.length} labels but ${predicted.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

/** Predicts every validation image of `config`'s split with `weights` (readWeights order). */
export async function predictValidation(dataset: Dataset, config: ExperimentConfig, weights: Float32Array[], sampleCount = 32): Promise<Predictions> {
  validateConfig(config);
  const data = prepareData(dataset, config);
  const teacher = createTeacher(config.model, weights, data.numClasses);
  const input = createInputPipeline(data.val, { mean: data.mean, std: data.std, resolution: config.data.resolution });
  const predicted = new Int32Array(data.val.count);
  try {
    let offset = 0;
    const batches = createPlanIterator(data.val, { batchSize: BATCH, shuffle: false, dropLast: false, augment: { crop: false, padding: 0, flip: false } });
    for (const batch of batches) {
      const classes = tf.tidy(() => {
        const x = input.input(batch);
        return teacher.logits(x).argMax(1);
      });
      predicted.set(await classes.data(), offset);
      classes.dispose();
      offset += batch.size;
    }
  } finally {
    input.dispose();
    teacher.dispose();
  }
  const labels = data.val.labels;
  const confusion = confusionMatrix(labels, predicted, data.numClasses);
  const n = Math.min(sampleCount, data.val.count);
  return {
    classNames: dataset.classNames,
    confusion,
    total: data.val.count,
    correct: confusion.reduce((s, row, i) => s + row[i], 0),
    samples: {
      images: data.val.images.slice(0, n * IMAGE_BYTES),
      labels: Array.from(labels.subarray(0, n)),
      predicted: Array.from(predicted.subarray(0, n)),
      count: n,
    },
  };
}
