// Zero γ: exactly the last BatchNorm γ of every residual block is 0 after initialisation,
// every other γ stays 1, in the CIFAR ResNet, ResNet-18 and ResNet-50 (with ResNet-D shortcuts).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { createTrickStreams } from './resolve';
import { NUM_CLASSES, tinyConfig, withTrick } from '../../../test/support/testHarness';
import { zeroGamma } from './zeroGamma';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** γ names that are all zero and all one after the step's initialisation. */
function gammasAfterInit(model: Partial<ModelConfig>) {
  const base = tinyConfig();
  const config = withTrick(zeroGamma, true, { ...base, model: { ...base.model, ...model } });
  const m = createModel(config.model, NUM_CLASSES, createRng(1));
  const step = createTrainStep({ model: m, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(createRng(2)) } });
  const gammas = m.params.filter((p) => p.kind === 'bn-gamma');
  const zero = gammas.filter((p) => p.variable.dataSync().every((v) => v === 0)).map((p) => p.name);
  const one = gammas.filter((p) => p.variable.dataSync().every((v) => v === 1)).map((p) => p.name);
  step.dispose();
  disposeModel(m);
  return { zero, one, total: gammas.length };
}

describe('zero γ', () => {
  it('zeroes bn2 of each of the 3 blocks of ResNet-8, and only those', () => {
    const { zero, one, total } = gammasAfterInit({});
    expect(zero).toEqual(['stage1.block1.bn2.gamma', 'stage2.block1.bn2.gamma', 'stage3.block1.bn2.gamma']);
    expect(one.length).toBe(total - 3);
  });

  it('zeroes the last of three BatchNorms in all 16 ResNet-50 bottlenecks, not the ResNet-D shortcuts', () => {
    const { zero, one, total } = gammasAfterInit({ family: 'resnet50', widthMultiplier: 0.0625, resnetD: true });
    expect(zero).toHaveLength(16);
    expect(zero.every((n) => /^stage\d\.block\d\.3\.bn\.gamma$/.test(n))).toBe(true);
    expect(one.length).toBe(total - 16);
    expect(one.filter((n) => n.includes('shortcut'))).toHaveLength(4);
  });

  it('zeroes the second BatchNorm of the 8 ResNet-18 blocks', () => {
    const { zero } = gammasAfterInit({ family: 'resnet18', widthMultiplier: 0.0625 });
    expect(zero).toHaveLength(8);
    expect(zero.every((n) => n.endsWith('.2.bn.gamma'))).toBe(true);
  });

  it('does not apply to the plain network', () => {
    const base = tinyConfig();
    expect(zeroGamma.notApplicable?.({ ...base, model: { ...base.model, skipConnections: false } })).toMatch(/residual/);
  });
});
