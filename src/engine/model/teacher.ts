/**
 * The teacher of knowledge distillation (He et al. 2019, §5.3; Hinton et al. 2015): a trained
 * model, rebuilt from a finished run's saved weights (readWeights) or a larger model's, that
 * only ever runs in inference mode (BatchNorm running averages, full precision) and is never
 * updated: its variables are not in the optimiser's list, so no gradient reaches them.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { createRng } from '../rng';
import { createModel, disposeModel, writeWeights } from './index';
import type { ForwardContext } from './layers';
import { errorMessage } from '../errorMessage';

/** A loaded teacher: logits for an NHWC batch, and a way to free its weights. */
export interface Teacher {
  /** Inference-mode logits [batch, classes] (a new tensor the caller owns). */
  logits: (x: tf.Tensor4D) => tf.Tensor2D;
  dispose(): void;
}

/** What a run needs to load its teacher: the teacher's architecture and its weights. */
export interface TeacherSpec {
  model: ModelConfig;
  /** Every parameter and buffer, in the order readWeights gives them. */
  weights: Float32Array[];
}

/**
 * Builds a teacher of `modelConfig` for `numClasses` classes with `weights` (as readWeights
 * returns them). Throws, naming the tensor, when the weights do not fit the architecture.
 */
export function createTeacher(modelConfig: ModelConfig, weights: Float32Array[], numClasses: number): Teacher {
  // The seed only fills values that writeWeights overwrites at once.
  const model = createModel(modelConfig, numClasses, createRng(0));
  try {
    writeWeights(model, weights);
  } catch (err) {
    disposeModel(model);
    throw new Error(`teacher: ${errorMessage(err)}`);
  }
  const identity = (t: tf.Tensor): tf.Tensor => t;
  return {
    logits: (x) =>
      tf.tidy(() => {
        const ctx: ForwardContext = { training: false, bnStats: [], round: identity, kernels: 'stock' };
        return model.forward(x, ctx);
      }),
    dispose: () => disposeModel(model),
  };
}
