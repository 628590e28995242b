/**
 * Our kernels are registered once under their own names, beside tfjs's stock ones (which stay
 * as tfjs registered them), and nothing in the registry switches kernel sets: the choice is an
 * argument of each call.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as registry from './registry';
import { startWebGPU } from '../../../test/support/testEnv';

beforeAll(startWebGPU);

describe('kernel registry', () => {
  it('registers ours under their own names and leaves the stock ones in place', () => {
    const names = registry.customKernelNames();
    expect(names.sort()).toEqual([
      'TrickLabAllFinite', 'TrickLabBatchNormApply', 'TrickLabBatchNormGrad', 'TrickLabConv2D',
      'TrickLabConv2DBackpropFilter', 'TrickLabConv2DBackpropInput', 'TrickLabCountCorrect', 'TrickLabCrossEntropy', 'TrickLabCrossEntropyAndCorrect', 'TrickLabCrossEntropyGrad', 'TrickLabLossScale',
      'TrickLabPoolDense', 'TrickLabPoolDenseInputGrad', 'TrickLabPoolDenseParamGrad',
      'TrickLabRunningAverage', 'TrickLabRunningAverageArena', 'TrickLabSgdArena', 'TrickLabSgdMomentum',
      'TrickLabZeroPadShortcut', 'TrickLabZeroPadShortcutGrad', 'TrickLabZeroPadShortcutTee',
    ]);
    for (const name of names) expect(tf.getKernel(name, 'webgpu'), name).toBeDefined();
    expect(tf.getGradient(registry.CONV2D_KERNEL)).toBeDefined();
    expect(tf.getGradient(registry.CROSS_ENTROPY_KERNEL)).toBeDefined();
    expect(tf.getGradient(registry.POOL_DENSE_KERNEL)).toBeDefined();
    expect(tf.getGradient(registry.ZERO_PAD_SHORTCUT_KERNEL)).toBeDefined();
    // tfjs's own kernels are still what tf.conv2d and its gradient run.
    for (const stock of [tf.Conv2D, tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput]) {
      const config = tf.getKernel(stock, 'webgpu');
      expect(config.kernelName).toBe(stock);
      expect(names.map((n) => tf.getKernel(n, 'webgpu').kernelFunc)).not.toContain(config.kernelFunc);
    }
  });

  it('exports no switch: the kernel set is an argument', () => {
    const functions = Object.entries(registry).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    expect(functions.sort()).toEqual(['customKernelNames', 'usesCustomKernels']);
    expect(registry.usesCustomKernels('custom')).toBe(true);
    expect(registry.usesCustomKernels('stock')).toBe(false);
  });
});
