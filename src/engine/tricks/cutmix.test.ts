// CutMix: the reference box (side √(1 − λ), centred, clipped), pixels inside it from the
// partner image, and labels weighted by the clipped box's actual area.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { boxAround, boxFraction, cutMixBatch, randomBox } from './cutmix';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CutMix', () => {
  it('cuts a 4×4 box for λ = 0.75 in an 8×8 image (area ratio 1 − λ = 0.25)', () => {
    const box = boxAround(8, 8, 0.75, 2, 6);
    expect(box).toEqual({ y0: 0, y1: 4, x0: 4, x1: 8 });
    expect(boxFraction(box, 8, 8)).toBe(0.25);
  });

  it('clips the box at the border: centred at a corner only a quarter of it remains', () => {
    const box = boxAround(8, 8, 0.75, 0, 0);
    expect(box).toEqual({ y0: 0, y1: 2, x0: 0, x1: 2 });
    expect(boxFraction(box, 8, 8)).toBe(1 / 16);
  });

  it('pastes the box from the partner and weights the labels by the clipped area', () => {
    // Two 4×4 single-channel-like images: image 0 all 1, image 1 all 2 (3 channels).
    const x = tf.concat([tf.fill([1, 4, 4, 3], 1), tf.fill([1, 4, 4, 3], 2)]) as tf.Tensor4D;
    const targets = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const box = { y0: 1, y1: 3, x0: 0, x1: 1 }; // 2 of 16 pixels
    const out = cutMixBatch({ x, targets }, box, [1, 0]);
    const img0 = out.x.arraySync()[0].map((row) => row.map((px) => px[0]));
    expect(img0).toEqual([
      [1, 1, 1, 1],
      [2, 1, 1, 1],
      [2, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    const t = out.targets.arraySync();
    expect(t[0][0]).toBeCloseTo(14 / 16, 6);
    expect(t[0][1]).toBeCloseTo(2 / 16, 6);
    expect(t[1][1]).toBeCloseTo(14 / 16, 6);
    tf.dispose([x, targets, out.x, out.targets]);
  });

  it('draws boxes inside the image with an area of at most 1 − λ', () => {
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) {
      const lambda = rng.next();
      const b = randomBox(16, 16, lambda, rng);
      expect(boxFraction(b, 16, 16)).toBeLessThanOrEqual(1 - lambda + 1e-12);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(16);
      expect(b.y0).toBeLessThanOrEqual(b.y1);
      expect(b.x0).toBeLessThanOrEqual(b.x1);
    }
  });
});
