/**
 * Evaluation of a held-out split: every image once, in split order, with no augmentation (no
 * crop, no flip) and none of the tricks' batch hooks (mixup and CutMix act only in training), in
 * BatchNorm's inference mode (running averages, which evaluation never updates). Sums stay on the
 * device; one read-back per evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import { createPlanIterator } from '../data/batches';
import type { InputPipeline } from '../data/inputPipeline';
import type { ImageSplit } from '../data/types';
import type { TrainStep } from './step';

/** Evaluation batch size (no gradients, so larger than training batches is fine). */
export const EVAL_BATCH = 256;

/** Mean loss, top-1 and top-5 accuracy (fractions) over `val`. */
export async function evaluateSplit(step: TrainStep, val: ImageSplit, input: InputPipeline): Promise<{ valLoss: number; valTop1: number; valTop5: number }> {
  let sums = tf.zeros([3]);
  const batches = createPlanIterator(val, { batchSize: EVAL_BATCH, shuffle: false, dropLast: false, augment: { crop: false, padding: 0, flip: false } });
  for (const batch of batches) {
    const x = input.input(batch);
    const labels = tf.tensor1d(batch.labels, 'int32');
    const out = step.evaluate(x, labels);
    const next = tf.tidy(() => tf.add(sums, tf.stack([out.lossSum, out.top1, out.top5])));
    tf.dispose([x, labels, out.lossSum, out.top1, out.top5, sums]);
    sums = next;
  }
  const [lossSum, top1, top5] = await sums.data();
  sums.dispose();
  const n = val.count;
  return { valLoss: lossSum / n, valTop1: top1 / n, valTop5: top5 / n };
}

