/**
 * setCustomKernels swaps tfjs's registered 'webgpu' kernels for ours and back, restoring the very
 * KernelConfig objects it saved, and is idempotent both ways.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BN_STATS_KERNEL, customKernelNames, customKernelsEnabled, setCustomKernels } from './registry';
import { startWebGPU } from '../../../test/support/testEnv';

beforeAll(startWebGPU);

describe('setCustomKernels', () => {
  it('registers ours, then restores the stock configs it saved', () => {
    const { replaced, added } = customKernelNames();
    expect(replaced).toEqual(['Conv2DBackpropFilter']);
    const stock = replaced.map((name) => tf.getKernel(name, 'webgpu'));
    expect(tf.getKernel(BN_STATS_KERNEL, 'webgpu')).toBeUndefined();

    setCustomKernels(true);
    setCustomKernels(true);
    expect(customKernelsEnabled()).toBe(true);
    replaced.forEach((name, i) => expect(tf.getKernel(name, 'webgpu').kernelFunc).not.toBe(stock[i].kernelFunc));
    for (const name of added) expect(tf.getKernel(name, 'webgpu')).toBeDefined();

    setCustomKernels(false);
    setCustomKernels(false);
    expect(customKernelsEnabled()).toBe(false);
    replaced.forEach((name, i) => expect(tf.getKernel(name, 'webgpu')).toBe(stock[i]));
    for (const name of added) expect(tf.getKernel(name, 'webgpu')).toBeUndefined();
  });
});
