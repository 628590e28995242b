// Evaluation: BatchNorm's running statistics come out bit-identical, and the numbers are those of
// the plain images (normalised by hand here, no crop, no flip, no mixup/CutMix) through the
// model in inference mode, with loss, top-1 and top-5 computed here from the logits.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { channelStats } from '../data/batches';
import { createInputPipeline } from '../data/inputPipeline';
import { createSyntheticDataset } from '../data/synthetic';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrickStreams } from '../tricks/resolve';
import { fixedBatch } from '../../../test/support/testHarness';
import { evaluateSplit } from './evaluate';
import { createTrainStep } from './step';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluateSplit', () => {
  it('leaves BatchNorm running statistics bit-identical and evaluates the plain images', async () => {
    const dataset = createSyntheticDataset({ seed: 2, trainCount: 40, testCount: 12 });
    const on = { enabled: true, params: {} };
    const config = makeConfig({
      model: { depth: 8, widthMultiplier: 0.25 },
      data: { resolution: 32, augment: { crop: true, padding: 4, flip: true } },
      optim: { batchSize: 8 },
      tricks: { mixup: on, cutmix: on, labelSmoothing: on },
    });
    const model = createModel(config.model, 10, createRng(3));
    const step = createTrainStep({ model, config, runtime: { config, numClasses: 10, streams: createTrickStreams(createRng(4)) } });
    // One training step first, so the running statistics are no longer their initial 0 and 1.
    const batch = fixedBatch(8, 32);
    const prepared = step.prepare(batch);
    const out = step.run(prepared, 0.1);
    tf.dispose([batch.x, batch.targets, prepared.x, prepared.targets, out.loss, out.correct]);
    const before = model.buffers.map((b) => Float32Array.from(b.dataSync()));
    expect(before[0].some((v) => v !== 0)).toBe(true);

    const { mean, std } = channelStats(dataset.train);
    const val = dataset.test;
    if (!val) throw new Error('the synthetic set has a test split');
    const input = createInputPipeline(val, { mean, std, resolution: 32, placement: 'host' });
    const got = await evaluateSplit(step, val, input);
    input.dispose();
    const after = model.buffers.map((b) => Float32Array.from(b.dataSync()));
    after.forEach((a, i) => expect(Array.from(a), `buffer ${i}`).toEqual(Array.from(before[i])));

    // By hand: (pixel − mean_c)/std_c in split order, inference-mode logits, then the metrics.
    const x = new Float32Array(val.images.length);
    for (let i = 0; i < x.length; i++) x[i] = (val.images[i] - mean[i % 3]) / std[i % 3];
    const logits = tf.tidy(() =>
      model.forward(tf.tensor4d(x, [val.count, 32, 32, 3]), { training: false, bnStats: [], round: (t) => t, kernels: 'stock' }).arraySync(),
    );
    let loss = 0;
    let top1 = 0;
    let top5 = 0;
    logits.forEach((row, i) => {
      const label = val.labels[i];
      const max = Math.max(...row);
      const logSum = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
      loss += logSum - row[label];
      // Rank of the label: classes with a larger logit, or an equal one at a lower index.
      const rank = row.filter((z, k) => z > row[label] || (z === row[label] && k < label)).length;
      if (rank < 1) top1++;
      if (rank < 5) top5++;
    });
    expect(got.valLoss).toBeCloseTo(loss / val.count, 4);
    expect(got.valTop1).toBe(top1 / val.count);
    expect(got.valTop5).toBe(top5 / val.count);
    step.dispose();
    disposeModel(model);
  });
});
