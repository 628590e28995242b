// No bias decay: one SGD step with zero gradients moves only what weight decay acts on; with
// the trick on that is conv and dense weights, never biases or BatchNorm γ, β.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createSgd } from '../train/optimizer';
import { noBiasDecay } from './noBiasDecay';
import { NUM_CLASSES, tinyConfig, withTrick } from '../../../test/support/testHarness';
import { isEnabled, trickParams, type ParamInfo } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Per parameter kind, whether a zero-gradient step changed it; and the ratio w'/w of a conv weight. */
function zeroGradientStep(trickOn: boolean) {
  const config = withTrick(noBiasDecay, trickOn, tinyConfig());
  const model = createModel(config.model, NUM_CLASSES, createRng(1));
  // Nonzero β so that a decayed β would visibly move.
  for (const p of model.params) if (p.kind === 'bn-beta') p.variable.assign(tf.tidy(() => tf.fill(p.variable.shape, 0.5)));
  const decays = (p: ParamInfo) => (isEnabled(noBiasDecay, config) ? (noBiasDecay.decays?.(p, trickParams(noBiasDecay, config)) ?? true) : true);
  const before = model.params.map((p) => p.variable.dataSync().slice());
  const sgd = createSgd(config.optim, model.params, decays, 'stock');
  const zeros = model.params.map((p) => tf.zerosLike(p.variable));
  sgd.apply(zeros, 0.1);
  const changed: Record<string, boolean> = {};
  let convRatio = 0;
  model.params.forEach((p, i) => {
    const after = p.variable.dataSync();
    changed[p.kind] = (changed[p.kind] ?? false) || after.some((v, j) => v !== before[i][j]);
    if (p.kind === 'conv' && convRatio === 0) convRatio = after[0] / before[i][0];
  });
  tf.dispose(zeros);
  sgd.dispose();
  disposeModel(model);
  return { changed, convRatio };
}

describe('no bias decay', () => {
  it('decays only conv and dense weights: biases and BatchNorm γ, β are untouched', () => {
    const { changed, convRatio } = zeroGradientStep(true);
    expect(changed).toEqual({ conv: true, 'bn-gamma': false, 'bn-beta': false, 'dense-weight': true, bias: false });
    // Nesterov SGD, g = wd·w: w' = w − lr·(1 + μ)·wd·w = w·(1 − 0.1·1.9·1e-4).
    expect(convRatio).toBeCloseTo(1 - 0.1 * 1.9 * 1e-4, 7);
  });

  it('without it every parameter decays', () => {
    const { changed } = zeroGradientStep(false);
    expect(changed).toEqual({ conv: true, 'bn-gamma': true, 'bn-beta': true, 'dense-weight': true, bias: true });
  });
});
