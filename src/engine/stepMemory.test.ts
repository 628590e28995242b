// The step-memory estimate: its walk of each network counts exactly the parameters the built
// model has (so it follows the model files), and its total bounds the peak bytes tf.profile
// measures for a real training step on the tfjs CPU backend, from above and within 35%.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type DeepPartial, type ExperimentConfig } from './config';
import { countParams, createModel, disposeModel } from './model';
import { createRng } from './rng';
import { estimateStepMemory } from './stepMemory';
import { createTrickStreams } from './tricks/resolve';
import { createTrainStep } from './train/step';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = (patch: DeepPartial<ExperimentConfig>): ExperimentConfig => makeConfig({ data: { resolution: 16 }, optim: { batchSize: 8 }, ...patch });

/** Peak bytes of building the model and step and running one step on a random batch. */
async function measuredPeak(c: ExperimentConfig): Promise<number> {
  const before = tf.memory().numBytes;
  const B = c.optim.batchSize;
  const R = c.data.resolution;
  let model: ReturnType<typeof createModel> | null = null;
  let step: ReturnType<typeof createTrainStep> | null = null;
  const profile = await tf.profile(() => {
    model = createModel(c.model, 10, createRng(1));
    step = createTrainStep({ model, config: c, runtime: { config: c, numClasses: 10, streams: createTrickStreams(createRng(2)) } });
    const x = tf.randomNormal([B, R, R, 3]) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32'), 10).toFloat() as tf.Tensor2D;
    const out = step.run({ x, targets: y }, 0.1);
    tf.dispose([x, y, out.loss, out.correct]);
  });
  (step as unknown as { dispose(): void }).dispose();
  disposeModel(model as unknown as ReturnType<typeof createModel>);
  return profile.peakBytes - before;
}

describe('estimateStepMemory', () => {
  it('counts the parameters of every network as the built model has them', () => {
    const cases: DeepPartial<ExperimentConfig>[] = [
      { model: { depth: 20 } },
      { model: { depth: 8, widthMultiplier: 0.25 } },
      { model: { depth: 14, widthMultiplier: 1.5, se: true } },
      { model: { depth: 8, shortcut: 'projection' } },
      { model: { depth: 8, shortcut: 'projection', resnetD: true } },
      { model: { depth: 8, shortcut: 'projection', resnetD: true, skipConnections: false } },
      { model: { family: 'resnet18', widthMultiplier: 0.25 } },
      { model: { family: 'resnet18', widthMultiplier: 0.25, resnetC: true, resnetD: true, se: true } },
      { model: { family: 'resnet50', widthMultiplier: 0.125 } },
      { model: { family: 'resnet50', widthMultiplier: 0.125, resnetB: true, se: true, skipConnections: false } },
    ];
    for (const patch of cases) {
      const c = config(patch);
      const model = createModel(c.model, 10, createRng(1));
      expect({ patch, params: estimateStepMemory(c).params }).toEqual({ patch, params: countParams(model) });
      disposeModel(model);
    }
    expect(estimateStepMemory(config({ model: { depth: 20 }, data: { dataset: 'cifar100' } })).params - estimateStepMemory(config({ model: { depth: 20 } })).params).toBe(90 * 65);
  });

  it('sizes the parts by hand for ResNet-8 at 16×16, batch 8', () => {
    const m = estimateStepMemory(config({ model: { depth: 8 } }));
    // Conv outputs per image: stem 16·256 + stage 1 2·16·256 + stage 2 2·32·64 + stage 3 2·64·16 = 18,432.
    expect(m.activations).toBe(4 * 8 * 18_432 * 24);
    expect(m.input).toBe(4 * 8 * (16 * 16 * 3 + 10));
    expect(m.params).toBe(75_290);
    // BatchNorm running statistics: 2 × (16 + 2·16 + 2·32 + 2·64) channels.
    expect(m.weights).toBe(4 * (4 * 75_290 + 2 * 240));
    expect(m.largest).toBe(4 * 8 * 256 * 16);
    expect(m.total).toBe(m.activations + m.input + m.weights);
  });

  it('bounds the measured peak of a real step from above, within 35%', async () => {
    // Small sizes (the estimate is linear in the batch and the pixels), every kind of layer and activation.
    const small = { data: { resolution: 8 }, optim: { batchSize: 4 } };
    const cases: DeepPartial<ExperimentConfig>[] = [
      { model: { depth: 8 }, data: { resolution: 16 } },
      { model: { depth: 8, activation: 'swish' }, ...small },
      { model: { depth: 8, activation: 'gelu' }, ...small },
      { model: { depth: 8, se: true, shortcut: 'projection', resnetD: true }, ...small },
      { model: { depth: 8 }, tricks: { fp16: { enabled: true } }, ...small },
      { model: { family: 'resnet18', widthMultiplier: 0.125, resnetD: true }, ...small },
      { model: { family: 'resnet50', widthMultiplier: 0.125, resnetB: true, resnetC: true }, ...small },
    ];
    const ratios: [string, number][] = [];
    for (const patch of cases) {
      const c = config(patch);
      ratios.push([JSON.stringify(patch), Number((estimateStepMemory(c).total / (await measuredPeak(c))).toFixed(3))]);
    }
    // Measured: 1.03–1.10.
    expect(ratios.filter(([, r]) => !(r >= 1 && r <= 1.35))).toEqual([]);
  }, 300_000);
});
