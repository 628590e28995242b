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

/** The message of a run that has distillation on but no teacher. */
export const NO_TEACHER_MESSAGE =
  'Knowledge distillation needs a teacher: finish a run on this dataset first (the last finished run becomes the teacher), pick a teacher run in the lab, or turn distillation off';

/** Hard-label loss plus T² × KL to the teacher's softened predictions. */
export const distillation: Trick = {
  id: 'distillation',
  name: 'Knowledge distillation',
  explanation: 'Adds a loss that pulls the softened predictions (temperature T) towards those of a trained teacher model on the same images.',
  reference: 'He et al. 2019, §5.3; Hinton et al. 2015',
  params: [{ key: 'temperature', label: 'Temperature T', default: 20, min: 1, max: 100, step: 1, unit: 'softmax temperature' }],
  phases: ['loss'],
  needsTeacher: NO_TEACHER_MESSAGE,
  loss: (input, p, rt) => {
    if (!rt.teacher) throw new Error(NO_TEACHER_MESSAGE);
    const teacher = rt.teacher;
    return tf.tidy(() => tf.add(input.base, distillationTerm(input.logits, teacher(input.x), p.temperature)) as tf.Scalar);
  },
};
