// ImageNet-style ResNet-18/50 adapted to small images: parameter counts against known numbers
// and hand counts for every tweak, output shapes, and that ResNet-B and -D change the
// computation (same parameters, same seed, different logits).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ModelConfig } from '../config';
import { createRng } from '../rng';
import { countParams, createModel, disposeModel } from './index';
import { branch, projection } from './imagenetResnet';
import { ParamStore, type ForwardContext } from './layers';

const modelConfig = (patch: Partial<ModelConfig>): ModelConfig => ({ ...makeConfig().model, ...patch });
const params = (patch: Partial<ModelConfig>): number => {
  const m = createModel(modelConfig(patch), 10, createRng(1));
  const n = countParams(m);
  disposeModel(m);
  return n;
};
/** SE on C channels, reduction 16: C·C/16 + C/16 + C/16·C + C. */
const se = (c: number) => 2 * c * (c / 16) + c / 16 + c;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ResNet-18 / ResNet-50 for 32×32 inputs', () => {
  it('ResNet-18 with a 3×3 stem has 11,173,962 parameters for 10 classes (11.17 M)', () => {
    // torchvision's 11,689,512 − 7×7 stem 9,408 + 3×3 stem 1,728 − fc 513,000 + fc 5,130.
    expect(params({ family: 'resnet18' })).toBe(11_173_962);
  });

  it('ResNet-50 with a 3×3 stem has 23,520,842 parameters for 10 classes', () => {
    // torchvision's 25,557,032 − 9,408 + 1,728 − 2,049,000 + 20,490.
    expect(params({ family: 'resnet50' })).toBe(23_520_842);
  });

  it('SE adds 2.53 M to ResNet-50 (as SE-ResNet-50: 28.09 M vs 25.56 M) and 89,080 to ResNet-18', () => {
    expect(params({ family: 'resnet50', se: true }) - 23_520_842).toBe(3 * se(256) + 4 * se(512) + 6 * se(1024) + 3 * se(2048));
    expect(3 * se(256) + 4 * se(512) + 6 * se(1024) + 3 * se(2048)).toBe(2_530_992);
    expect(params({ family: 'resnet18', se: true }) - 11_173_962).toBe(2 * (se(64) + se(128) + se(256) + se(512)));
  });

  it('ResNet-C replaces the 3×3 stem (1,728 + 128) by three 3×3 convs of 32, 32, 64 channels', () => {
    const stemC = 27 * 32 + 9 * 32 * 32 + 9 * 32 * 64 + 2 * (32 + 32 + 64);
    expect(params({ family: 'resnet18', widthMultiplier: 0.25, resnetC: true }) - params({ family: 'resnet18', widthMultiplier: 0.25 })).toBe(
      27 * 8 + 9 * 8 * 8 + 9 * 8 * 16 + 2 * (8 + 8 + 16) - (27 * 16 + 2 * 16),
    );
    expect(stemC - (1728 + 128)).toBe(26_912);
  });

  it('ResNet-B and ResNet-D move strides and add a pool: no parameters added', () => {
    const small = { widthMultiplier: 0.125 };
    const r50 = params({ family: 'resnet50', ...small });
    expect(params({ family: 'resnet50', ...small, resnetB: true })).toBe(r50);
    expect(params({ family: 'resnet50', ...small, resnetD: true })).toBe(r50);
    expect(params({ family: 'resnet18', ...small, resnetD: true })).toBe(params({ family: 'resnet18', ...small }));
  });

  const forward = (patch: Partial<ModelConfig>, side = 16): number[] => {
    const m = createModel(modelConfig({ widthMultiplier: 0.0625, ...patch }), 10, createRng(4));
    const ctx: ForwardContext = { training: false, bnStats: [], round: (x) => x, kernels: 'stock' };
    const x = tf.randomNormal([2, side, side, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const logits = tf.tidy(() => m.forward(x, ctx));
    expect(logits.shape).toEqual([2, 10]);
    const values = Array.from(logits.dataSync());
    tf.dispose([x, logits]);
    disposeModel(m);
    return values;
  };

  it('maps 16×16 and 32×32 batches to finite logits with every tweak on', () => {
    for (const family of ['resnet18', 'resnet50'] as const) {
      for (const side of [16, 32]) {
        const v = forward({ family, resnetB: true, resnetC: true, resnetD: true, se: true, activation: 'swish' }, side);
        expect(v.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('ResNet-B and ResNet-D change the logits of the same weights (the strides really move)', () => {
    const base = forward({ family: 'resnet50' });
    expect(forward({ family: 'resnet50', resnetB: true })).not.toEqual(base);
    expect(forward({ family: 'resnet50', resnetD: true })).not.toEqual(base);
    expect(forward({ family: 'resnet18', resnetD: true })).not.toEqual(forward({ family: 'resnet18' }));
  });

  it('the plain ResNet-18 has no projection shortcuts', () => {
    const plain = params({ family: 'resnet18', widthMultiplier: 0.25, skipConnections: false });
    const shortcuts = 16 * 32 + 32 * 64 + 64 * 128 + 2 * (32 + 64 + 128);
    expect(params({ family: 'resnet18', widthMultiplier: 0.25 }) - plain).toBe(shortcuts);
  });

  it('places the downsampling stride: on the first 1×1 conv, on the 3×3 conv with ResNet-B, after a 2×2 pool with ResNet-D', () => {
    const store = new ParamStore(createRng(1));
    const model = (patch: Partial<ModelConfig>): ModelConfig => ({ ...makeConfig().model, family: 'resnet50', ...patch });
    const shape = (layers: { conv: tf.Variable; stride: number }[]) => layers.map((l) => [l.conv.shape[0], l.stride]);
    // [kernel size, stride] of the bottleneck's three convs.
    expect(shape(branch(store, 'a', model({}), 8, 4, 2).layers)).toEqual([[1, 2], [3, 1], [1, 1]]);
    expect(shape(branch(store, 'b', model({ resnetB: true }), 8, 4, 2).layers)).toEqual([[1, 1], [3, 2], [1, 1]]);
    const plain = projection(store, 'c', 8, 16, 2, false);
    const d = projection(store, 'd', 8, 16, 2, true);
    expect([plain.conv.shape[0], plain.stride, plain.poolStride]).toEqual([1, 2, 1]);
    expect([d.conv.shape[0], d.stride, d.poolStride]).toEqual([1, 1, 2]);
    for (const p of store.params) p.variable.dispose();
    for (const b of store.buffers) b.dispose();
  });
});
