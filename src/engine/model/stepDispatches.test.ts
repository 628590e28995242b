/**
 * What tfjs's own programs are left in a CIFAR ResNet training step with our kernels (ResNet-8 on
 * WebGPU: a stem, one identity block, two option-A downsampling blocks): none. The convolutions
 * are ours (forward, input and filter gradients), and so is everything else: the classifier head
 * (no transpose, mean, matMul or bias add, forward or backward), the option-A shortcut (no
 * pool, pad, slice or pool gradient, and no tape add: the tee sums its two gradients itself),
 * BatchNorm (no tape add for the identity block's input either: the stem's BN hands it out
 * twice and sums its two gradients in its backward pass), the loss, the updates. Each fused kernel is checked against tf ops in its own test
 * (kernels/poolDense.test.ts, kernels/zeroPadShortcut.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { makeConfig } from '../config';
import { createRng } from '../rng';
import { createTrickStreams } from '../tricks/resolve';
import { createTrainStep } from '../train/step';
import { createModel, disposeModel } from './index';
import { randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const BATCH = 4;
const SIZE = 8;

describe('a ResNet-8 step with our kernels', () => {
  it('leaves tfjs no program', async () => {
    const config = makeConfig({ model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: SIZE }, optim: { batchSize: BATCH }, run: { kernels: 'custom' } });
    const model = createModel(config.model, 10, createRng(3));
    const step = createTrainStep({ model, config, runtime: { config, numClasses: 10, streams: createTrickStreams(createRng(4)) } });
    const x = tf.tensor4d(randomValues(createRng(5), BATCH * SIZE * SIZE * 3), [BATCH, SIZE, SIZE, 3]);
    const targets = tf.oneHot(tf.tensor1d([0, 3, 7, 9], 'int32'), 10).toFloat() as tf.Tensor2D;
    const run = () => {
      const out = step.run({ x, targets }, 0.1);
      tf.dispose([out.loss, out.correct]);
    };
    try {
      run();
      const { byProgram } = countDispatches(run);
      const stock = Object.fromEntries([...byProgram].filter(([name]) => !name.startsWith('tl')));
      expect(stock).toEqual({});
      // The 7 convolutions: 2 per block, and the stem's (3 RGB channels in) read one channel at a time.
      expect(byProgram.get('tlConv2D')).toBe(6);
      expect(byProgram.get('tlConv2DScalarX')).toBe(1);
      // Their input gradients, ours: the stem's input needs none.
      expect(byProgram.get('tlConv2DBackpropInput')).toBe(6);
      // The stem's BN gradient takes the identity block's two input gradients in one pass.
      expect(byProgram.get('tlBatchNormPartial')).toBe(14);
      expect(byProgram.get('tlPoolDense')).toBe(1);
      // The loss with the correct count, and its gradient.
      expect(byProgram.get('tlCrossEntropy')).toBe(2);
      expect(byProgram.get('tlZeroPadShortcutGradAdd')).toBe(2);
    } finally {
      tf.dispose([x, targets]);
      step.dispose();
      disposeModel(model);
    }
  });
});
