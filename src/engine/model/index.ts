/**
 * Model factory: builds the network a config names, and small utilities over any model
 * (parameter count, disposal, weights to and from plain arrays).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import type { Rng } from '../rng';
import { createCifarResnet } from './cifarResnet';
import { createImagenetResnet } from './imagenetResnet';
import type { Model } from './types';

export type { Model } from './types';

/** Builds the model of `config` with seeded initialisation. */
export function createModel(config: ModelConfig, numClasses: number, rng: Rng): Model {
  switch (config.family) {
    case 'cifar-resnet':
      return createCifarResnet(config, numClasses, rng);
    case 'resnet18':
    case 'resnet50':
      return createImagenetResnet(config, numClasses, rng);
  }
}

/** Number of trainable scalars. */
export function countParams(model: Model): number {
  return model.params.reduce((sum, p) => sum + p.variable.size, 0);
}

/** Frees every variable of the model. */
export function disposeModel(model: Model): void {
  for (const p of model.params) p.variable.dispose();
  for (const b of model.buffers) b.dispose();
}

/** A copy of every parameter and buffer's values (for checkpoints and teachers). */
export async function readWeights(model: Model): Promise<Float32Array[]> {
  const all = [...model.params.map((p) => p.variable), ...model.buffers];
  return Promise.all(all.map(async (v) => new Float32Array(await v.data())));
}

/** Restores values read by readWeights into a model of the same config. */
export function writeWeights(model: Model, weights: Float32Array[]): void {
  const all = [...model.params.map((p) => p.variable), ...model.buffers];
  if (all.length !== weights.length) throw new Error(`weights: expected ${all.length} tensors, got ${weights.length}`);
  all.forEach((v, i) => {
    if (weights[i].length !== v.size) throw new Error(`weights: tensor ${i} has ${weights[i].length} values, expected ${v.size}`);
    tf.tidy(() => v.assign(tf.tensor(weights[i], v.shape)));
  });
}
