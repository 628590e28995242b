import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ModelConfig } from '../config';
import { createRng } from '../rng';
import { countParams, createModel, disposeModel } from './index';
import type { ForwardContext } from './layers';

const modelConfig = (patch: Partial<ModelConfig> = {}): ModelConfig => ({ ...makeConfig().model, ...patch });
const params = (patch: Partial<ModelConfig> = {}): number => {
  const m = createModel(modelConfig(patch), 10, createRng(1));
  const n = countParams(m);
  disposeModel(m);
  return n;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CIFAR ResNet', () => {
  it('ResNet-20 has 0.27 M parameters (He et al. 2016, Table 6), within 1%', () => {
    // Hand count: stem 432 + 32, stage 1 14,016, stage 2 51,072, stage 3 203,520, fc 650.
    expect(params()).toBe(269_722);
    expect(Math.abs(params() / 0.27e6 - 1)).toBeLessThan(0.01);
  });

  it('scales with depth as the paper lists (0.46 M, 0.66 M, 0.85 M, 1.7 M)', () => {
    expect(params({ depth: 32 }) / 1e6).toBeCloseTo(0.46, 2);
    expect(params({ depth: 44 }) / 1e6).toBeCloseTo(0.66, 2);
    expect(params({ depth: 56 }) / 1e6).toBeCloseTo(0.85, 2);
    expect(params({ depth: 110 }) / 1e6).toBeCloseTo(1.7, 1);
  });

  it('option B shortcuts add two 1×1 projections with BatchNorm', () => {
    // 16·32 + 32·64 conv weights, 2·(32 + 64) BN parameters.
    expect(params({ shortcut: 'projection' }) - params()).toBe(16 * 32 + 32 * 64 + 2 * (32 + 64));
  });

  it('SE adds two dense layers per block (reduction 16)', () => {
    // Per block with C channels and h = C/16: C·h + h + h·C + C.
    const se = (c: number) => 2 * c * (c / 16) + c / 16 + c;
    expect(params({ se: true }) - params()).toBe(3 * (se(16) + se(32) + se(64)));
  });

  it('maps a batch to logits and keeps the tensor count flat', () => {
    const m = createModel(modelConfig({ depth: 8, widthMultiplier: 0.25 }), 10, createRng(2));
    const before = tf.memory().numTensors;
    const ctx: ForwardContext = { training: false, bnStats: [], round: (x) => x, kernels: 'stock' };
    const logits = tf.tidy(() => m.forward(tf.randomNormal([2, 16, 16, 3]), ctx));
    expect(logits.shape).toEqual([2, 10]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeModel(m);
  });

  it('initialises identically for the same seed', () => {
    const a = createModel(modelConfig({ depth: 8 }), 10, createRng(5));
    const b = createModel(modelConfig({ depth: 8 }), 10, createRng(5));
    expect(a.params[3].variable.dataSync()).toEqual(b.params[3].variable.dataSync());
    disposeModel(a);
    disposeModel(b);
  });
});

describe('CIFAR ResNet levers', () => {
  it('the plain network (no skip connections) has no shortcut parameters, whatever the shortcut lever', () => {
    expect(params({ skipConnections: false })).toBe(params());
    expect(params({ skipConnections: false, shortcut: 'projection', resnetD: true })).toBe(params());
  });

  it('SE and option B shortcuts together add both counts', () => {
    const se = params({ se: true }) - params();
    const b = params({ shortcut: 'projection' }) - params();
    expect(params({ se: true, shortcut: 'projection', resnetD: true }) - params()).toBe(se + b);
  });
});
