// Mixup: inputs and targets blended with the same λ and the same shuffled partner; with label
// smoothing on, the smoothed targets are what get mixed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { labelSmoothing } from './labelSmoothing';
import { mixBatch, mixup } from './mixup';
import { createTrickStreams } from './resolve';
import { fixedBatch, NUM_CLASSES, tinyConfig, withTrick } from '../../../test/support/testHarness';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mixup', () => {
  it('mixes inputs and targets with λ = 0.7 and partner order [1, 2, 0]', () => {
    const x = tf.tensor4d([1, 2, 3, 10, 20, 30, 100, 200, 300], [3, 1, 1, 3]);
    const targets = tf.tensor2d([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]);
    const out = mixBatch({ x, targets }, 0.7, [1, 2, 0]);
    const mixedX = out.x.arraySync().map((r) => r[0][0]);
    const expectedX = [
      [0.7 * 1 + 0.3 * 10, 0.7 * 2 + 0.3 * 20, 0.7 * 3 + 0.3 * 30],
      [0.7 * 10 + 0.3 * 100, 0.7 * 20 + 0.3 * 200, 0.7 * 30 + 0.3 * 300],
      [0.7 * 100 + 0.3 * 1, 0.7 * 200 + 0.3 * 2, 0.7 * 300 + 0.3 * 3],
    ];
    mixedX.flat().forEach((v, i) => expect(v).toBeCloseTo(expectedX.flat()[i], 4));
    out.targets.arraySync().flat().forEach((v, i) => expect(v).toBeCloseTo([0.7, 0.3, 0, 0, 0.7, 0.3, 0.3, 0, 0.7][i], 6));
    tf.dispose([x, targets, out.x, out.targets]);
  });

  it('draws λ ~ Beta(α, α) and the partners from its own seeded stream, mixing smoothed targets', () => {
    const config = withTrick(labelSmoothing, true, withTrick(mixup, true, tinyConfig()));
    const model = createModel(config.model, NUM_CLASSES, createRng(1));
    const step = createTrainStep({ model, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(createRng(11)) } });
    const batch = fixedBatch();
    const out = step.prepare(batch);
    // The same draws by hand from mixup's own stream: λ first, then the permutation.
    const rng = createTrickStreams(createRng(11)).get('mixup');
    const lambda = rng.beta(0.2, 0.2);
    const perm = rng.permutation(8);
    const label = (i: number) => i % NUM_CLASSES;
    const smoothed = (l: number, k: number) => (k === l ? 0.9 : 0.1 / 9);
    const got = out.targets.arraySync();
    for (let i = 0; i < 8; i++) {
      for (let k = 0; k < NUM_CLASSES; k++) {
        expect(got[i][k]).toBeCloseTo(lambda * smoothed(label(i), k) + (1 - lambda) * smoothed(label(perm[i]), k), 5);
      }
    }
    const x = batch.x.arraySync();
    const mixed = out.x.arraySync();
    expect(mixed[2][3][4][1]).toBeCloseTo(lambda * x[2][3][4][1] + (1 - lambda) * x[perm[2]][3][4][1], 5);
    tf.dispose([batch.x, batch.targets, out.x, out.targets]);
    step.dispose();
    disposeModel(model);
  });
});
