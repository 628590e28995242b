// Runs too big for the device: the size of the largest activation from the config alone, the
// refusal before anything is allocated (naming the batch size and a size that fits), real
// allocation failures recognised, and a run whose device reports running out of memory mid-run
// ending 'failed' with the same advice (tfjs CPU backend; the GPU path is in handler.slow.test.ts).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { createSyntheticDataset } from './data/synthetic';
import { checkFitsDevice, HOST_TENSOR_LIMIT_BYTES, isOutOfMemory, largestActivationBytes, OutOfMemoryError } from './outOfMemory';
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

  it('refuses a run over the limit naming the batch size and one that fits, and passes one under it', () => {
    const config = makeConfig({ data: { resolution: 64 }, model: { widthMultiplier: 2 }, optim: { batchSize: 4096 } });
    let error: unknown;
    try {
      checkFitsDevice(config, HOST_TENSOR_LIMIT_BYTES);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as OutOfMemoryError).field).toBe('optim.batchSize');
    expect((error as OutOfMemoryError).message).toBe(
      'Out of memory: a batch of 4096 images at 64×64 needs a 2.0 GiB activation buffer, and this device allows 1.0 GiB per buffer. To fit it, lower the batch size (optim.batchSize, now 4096; try 2048), or the input resolution (data.resolution, now 64) or the width (model.widthMultiplier, now 2).',
    );
    expect(() => checkFitsDevice({ ...config, optim: { ...config.optim, batchSize: 2048 } }, HOST_TENSOR_LIMIT_BYTES)).not.toThrow();
    expect(() => checkFitsDevice(makeConfig({}), 100 * MiB)).not.toThrow();
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
