/**
 * Knowledge distillation (He et al. 2019, §5.3; Hinton et al. 2015): a trained teacher's
 * softened predictions guide the student. With student logits z, teacher logits r,
 * true (soft) labels p and temperature T:
 *   loss = CE(p, softmax(z)) + T² · KL(softmax(r/T) ‖ softmax(z/T)).
 * KL differs from the paper's cross-entropy to softmax(r/T) only by the teacher's entropy, a
 * constant for the student, so the gradients are the same and the KL term is 0 when the two
 * agree. T² keeps the soft term's gradient on the scale of the hard one's (Hinton et al.).
 * The teacher sees the same augmented and mixed batch as the student, in inference mode; the
 * run gets it from TrainOptions.teacher (model/teacher.ts) and fails if none is given.
 */
import * as tf from '@tensorflow/tfjs';
import { distillationInfo, NO_TEACHER_MESSAGE } from './catalog';
import type { Trick } from './types';

/** Batch mean of KL(softmax(r/T) ‖ softmax(z/T)), multiplied by T². */
export function distillationTerm(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logQ = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const logP = tf.logSoftmax(tf.div(studentLogits, temperature));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)), 1));
    return tf.mul(kl, temperature * temperature) as tf.Scalar;
  });
}

/** Hard-label loss plus T² × KL to the teacher's softened predictions. */
export const distillation: Trick = {
  ...distillationInfo,
  loss: (input, p, rt) => {
    if (!rt.teacher) throw new Error(NO_TEACHER_MESSAGE);
    const teacher = rt.teacher;
    return tf.tidy(() => tf.add(input.base, distillationTerm(input.logits, teacher(input.x), p.temperature)) as tf.Scalar);
  },
};
