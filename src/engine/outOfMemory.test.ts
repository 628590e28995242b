// Runs too big for the device: the size of the largest activation from the config alone, the
// refusal before anything is allocated (naming the batch size and a size that fits), real
// allocation failures recognised, and a run whose device reports running out of memory mid-run
// ending 'failed' with the same advice (tfjs CPU backend; the GPU path is in handler.slow.test.ts).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { createSyntheticDataset } from './data/synthetic';
import { checkFitsDevice, HOST_MEMORY_BUDGET_BYTES, HOST_TENSOR_LIMIT_BYTES, isOutOfMemory, largestActivationBytes, OutOfMemoryError, type MemoryLimits } from './outOfMemory';
import { estimateStepMemory } from './stepMemory';
import { startTraining } from './train/trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MiB = 2 ** 20;

describe('out of memory', () => {
  it('sizes the largest activation: batch × pixels × first-stage channels × 4 bytes', () => {
    expect(largestActivationBytes(makeConfig({ optim: { batchSize: 128 } }))).toBe(4 * 128 * 32 * 32 * 16);
    expect(largestActivationBytes(makeConfig({ model: { widthMultiplier: 2 }, data: { resolution: 64 }, optim: { batchSize: 10 } }))).toBe(4 * 10 * 64 * 64 * 32);
    expect(largestActivationBytes(makeConfig({ model: { family: 'resnet50' }, optim: { batchSize: 1 } }))).toBe(4 * 32 * 32 * 256);
  });

  const refusal = (config: ReturnType<typeof makeConfig>, limits: MemoryLimits): OutOfMemoryError => {
    try {
      checkFitsDevice(config, limits);
    } catch (err) {
      expect(err).toBeInstanceOf(OutOfMemoryError);
      return err as OutOfMemoryError;
    }
    throw new Error('the run was let through');
  };
  const perBuffer = (buffer: number): MemoryLimits => ({ buffer, total: null, where: 'WebGPU' });
  const cpu: MemoryLimits = { buffer: HOST_TENSOR_LIMIT_BYTES, total: HOST_MEMORY_BUDGET_BYTES, where: 'training on the CPU' };

  it('refuses a tensor over the buffer limit naming the batch size and one that fits, and passes one under it', () => {
    const config = makeConfig({ data: { resolution: 64 }, model: { widthMultiplier: 2 }, optim: { batchSize: 4096 } });
    const error = refusal(config, perBuffer(HOST_TENSOR_LIMIT_BYTES));
    expect(error.field).toBe('optim.batchSize');
    expect(error.message).toBe(
      'Out of memory: a batch of 4096 images at 64×64 needs a 2.0 GiB activation buffer, and this device allows 1.0 GiB per buffer. To fit it, lower the batch size (optim.batchSize, now 4096; try 2048), or the input resolution (data.resolution, now 64) or the width (model.widthMultiplier, now 2).',
    );
    expect(() => checkFitsDevice({ ...config, optim: { ...config.optim, batchSize: 2048 } }, perBuffer(HOST_TENSOR_LIMIT_BYTES))).not.toThrow();
    expect(() => checkFitsDevice(makeConfig({}), perBuffer(100 * MiB))).not.toThrow();
  });

  it('refuses a step whose total is exactly the budget, and passes one a byte under it', () => {
    const config = makeConfig({ model: { depth: 8 }, data: { resolution: 16 }, optim: { batchSize: 8 } });
    const total = estimateStepMemory(config).total;
    const error = refusal(config, { buffer: Infinity, total, where: 'training on the CPU' });
    expect(error.field).toBe('optim.batchSize');
    expect(error.message).toMatch(/^Out of memory: one training step of a batch of 8 images at 16×16 needs about 15 MiB \(activations kept for the backward pass 14 MiB, weights with gradients and momentum 2 MiB, input 1 MiB\), and training on the CPU is capped at 15 MiB\. To fit it, lower the batch size \(optim\.batchSize, now 8; try 7\)/);
    expect(() => checkFitsDevice(config, { buffer: Infinity, total: total + 1, where: 'training on the CPU' })).not.toThrow();
  });

  it('refuses the run whose largest activation is exactly 1 GiB on the CPU, by its total, before allocating', () => {
    // Depth 8, width 1, 64×64, batch 4096: the first stage's activation is 4096·64²·16·4 bytes = 1 GiB,
    // which the buffer check lets through; the whole step needs 24 tensors per conv output value, 108 GiB.
    const config = makeConfig({ model: { depth: 8, widthMultiplier: 1 }, data: { resolution: 64 }, optim: { batchSize: 4096 } });
    expect(largestActivationBytes(config)).toBe(2 ** 30);
    const error = refusal(config, cpu);
    expect(error.field).toBe('optim.batchSize');
    expect(error.message).toMatch(/^Out of memory: one training step of a batch of 4096 images at 64×64 needs about 108\.2 GiB \(activations kept for the backward pass 108\.0 GiB, weights with gradients and momentum 2 MiB, input 193 MiB\), and training on the CPU is capped at 4\.0 GiB\. To fit it, lower the batch size \(optim\.batchSize, now 4096; try (\d+)\)/);
    const tryBatch = Number(/try (\d+)/.exec(error.message)?.[1]);
    // The suggested batch fits, and one more image does not.
    expect(() => checkFitsDevice({ ...config, optim: { ...config.optim, batchSize: tryBatch } }, cpu)).not.toThrow();
    expect(() => checkFitsDevice({ ...config, optim: { ...config.optim, batchSize: tryBatch + 1 } }, cpu)).toThrow(OutOfMemoryError);
    // The default recipe (ResNet-20, batch 128, 32×32) trains on the CPU.
    expect(() => checkFitsDevice(makeConfig({}), cpu)).not.toThrow();
  });

  it('names the width when the weights alone do not fit', () => {
    const config = makeConfig({ model: { family: 'resnet50', widthMultiplier: 8 }, optim: { batchSize: 1 } });
    const error = refusal(config, cpu);
    expect(error.field).toBe('model.widthMultiplier');
    expect(error.message).toMatch(/^Out of memory: the weights of this model alone need \d+\.\d GiB with their gradients and momentum, and training on the CPU is capped at 4\.0 GiB\. To fit it, lower the width \(model\.widthMultiplier, now 8\) or the depth/);
  });

  it('recognises real allocation failures and GPU out-of-memory messages, and not other errors', () => {
    let allocation: unknown;
    try {
      new Float64Array(2 ** 40);
    } catch (err) {
      allocation = err;
    }
    expect(allocation).toBeInstanceOf(RangeError);
    expect(isOutOfMemory(allocation)).toBe(true);
    expect(isOutOfMemory(new Error('GPUOutOfMemoryError: Out of memory'))).toBe(true);
    expect(isOutOfMemory(new Error('diverged at step 3'))).toBe(false);
    expect(isOutOfMemory(new TypeError('x is undefined'))).toBe(false);
  });

  it('ends a run whose device ran out of memory as failed, saying what to lower', async () => {
    const config = makeConfig({ model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: 8, trainLimit: 32 }, optim: { batchSize: 8 }, run: { epochs: 1, logEvery: 1 } });
    const result = await startTraining({
      config,
      dataset: createSyntheticDataset({ seed: 1, trainCount: 40, testCount: 8 }),
      environment: { backend: { name: 'cpu', fallbackReason: null, adapter: null }, userAgent: 'vitest', runtime: 'node' },
      healthCheck: () => {
        throw new Error('Array buffer allocation failed');
      },
    }).result;
    expect(result.status).toBe('failed');
    expect(result.message).toBe(
      'Out of memory during training (Array buffer allocation failed). To fit it, lower the batch size (optim.batchSize, now 8; try 4), or the input resolution (data.resolution, now 8) or the width (model.widthMultiplier, now 0.25).',
    );
    expect(tf.memory().numTensors).toBe(0);
  });
});
