import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, startWebGPU } from '../../../test/support/testEnv';
import { createRng } from '../rng';
import { assembleBatch, createPlanIterator, packCrop, type BatchPlan } from './batches';
import { createDeviceImages, shardImages } from './deviceImages';
import { createInputPipeline, normaliseOnHost } from './inputPipeline';
import { IMAGE_BYTES, type ImageSplit } from './types';

/** `count` images whose every byte differs from its neighbours' (a wrong gather shows). */
function split(count: number, offset = 0): ImageSplit {
  const buffer = new Uint8Array(offset + count * IMAGE_BYTES);
  const images = buffer.subarray(offset);
  for (let i = 0; i < images.length; i++) images[i] = (i * 7 + (i >> 10) * 13) % 251 + 3;
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}

const MEAN = [120.5, 110.25, 100];
const STD = [60, 55.5, 70.125];

async function hostBatch(s: ImageSplit, plan: BatchPlan): Promise<Float32Array> {
  const b = assembleBatch(s, plan);
  const x = normaliseOnHost(b.images, b.size, MEAN, STD);
  const values = (await x.data()) as Float32Array;
  x.dispose();
  return values;
}

describe('images resident on the GPU (WebGPU on Dawn/SwiftShader)', () => {
  beforeAll(startWebGPU);
  afterAll(() => tf.setBackend('cpu'));

  it('one dispatch gathers, crops, flips and normalises exactly as the host path', async () => {
    const s = split(20);
    const plan: BatchPlan = {
      // Every corner case of the crop: no shift, both extremes, flips with each.
      indices: Int32Array.from([19, 0, 7, 7, 12, 3]),
      crops: Int32Array.from([packCrop(4, 4, false), packCrop(0, 0, false), packCrop(8, 8, true), packCrop(4, 4, true), packCrop(0, 8, true), packCrop(8, 0, false)]),
      labels: new Int32Array(6),
      size: 6,
      padding: 4,
    };
    const device = createDeviceImages(s, MEAN, STD);
    if (typeof device === 'string') throw new Error(device);
    expect(device.bytes).toBe(20 * 3072);
    const x = device.batch(plan);
    expect(x.shape).toEqual([6, 32, 32, 3]);
    const got = (await x.data()) as Float32Array;
    x.dispose();
    const want = await hostBatch(s, plan);
    expect(compare(got, want, 1e-5, 1e-6).worst).toBeLessThanOrEqual(1);
    // Padding is a zero pixel, normalised: image 0 cropped at (0, 0) has padding at (0, 0).
    expect(got[3 * 32 * 32 + 0]).toBeCloseTo((0 - MEAN[0]) / STD[0], 5);
    device.dispose();
  });

  it('reads images split across several buffers, and an unaligned split, the same way', async () => {
    for (const s of [split(20), split(9, 1)]) {
      const plans = [...createPlanIterator(s, { batchSize: 5, rng: createRng(4), shuffle: true, augment: { crop: true, padding: 4, flip: true }, dropLast: false })];
      const device = createDeviceImages(s, MEAN, STD, 7); // 20 images → buffers of 7, 7 and 6
      if (typeof device === 'string') throw new Error(device);
      for (const plan of plans) {
        const x = device.batch(plan);
        const got = (await x.data()) as Float32Array;
        x.dispose();
        expect(compare(got, await hostBatch(s, plan), 1e-5, 1e-6).worst).toBeLessThanOrEqual(1);
      }
      device.dispose();
    }
  });

  it('the pipeline picks the device on WebGPU, resizes, and leaves no tensors behind', async () => {
    const s = split(8);
    const before = tf.memory().numTensors;
    const pipeline = createInputPipeline(s, { mean: MEAN, std: STD, resolution: 16 });
    expect(pipeline.placement).toBe('device');
    const [plan] = createPlanIterator(s, { batchSize: 4, rng: createRng(1), shuffle: true, augment: { crop: true, padding: 4, flip: true }, dropLast: true });
    const x = pipeline.input(plan);
    expect(x.shape).toEqual([4, 16, 16, 3]);
    x.dispose();
    pipeline.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const host = createInputPipeline(s, { mean: MEAN, std: STD, resolution: 32, placement: 'host' });
    expect([host.placement, host.hostReason]).toEqual(['host', 'host placement was asked for']);
  });

  it('the CPU backend builds batches on the host, and says why', async () => {
    await tf.setBackend('cpu');
    const pipeline = createInputPipeline(split(2), { mean: MEAN, std: STD, resolution: 32 });
    expect(pipeline.placement).toBe('host');
    expect(pipeline.hostReason).toBe('the cpu backend assembles batches in JavaScript');
    expect(shardImages(128 * 1024 * 1024)).toBe(43690); // CIFAR-10's 50,000 images need 2 buffers at the 128 MiB default
  });
});
