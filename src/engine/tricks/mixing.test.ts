// Mixup and CutMix together, and each trick's own random stream: CutMix's boxes are the same
// with and without mixup on (same seed); with both on every batch is mixed by exactly one of
// them, chosen by the switch probability; CutMix alone cuts a share `prob` of the batches.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../config';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { cutmix } from './cutmix';
import { mixup } from './mixup';
import { createTrickStreams, resolveTricks } from './resolve';
import { TRICKS } from './registry';
import { fixedBatch, NUM_CLASSES, tinyConfig } from '../../../test/support/testHarness';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const on = (params: Record<string, number> = {}) => ({ enabled: true, params });

/** The prepared inputs of `batches` successive batches (the same fixed batch each time). */
function preparedInputs(config: ExperimentConfig, batches: number): number[][] {
  const model = createModel(config.model, NUM_CLASSES, createRng(1));
  const step = createTrainStep({ model, config, runtime: { config, numClasses: NUM_CLASSES, streams: createTrickStreams(createRng(21)) } });
  const out: number[][] = [];
  for (let i = 0; i < batches; i++) {
    const batch = fixedBatch();
    const prepared = step.prepare(batch);
    out.push(Array.from(prepared.x.dataSync()));
    tf.dispose([batch.x, batch.targets, prepared.x, prepared.targets]);
  }
  step.dispose();
  disposeModel(model);
  return out;
}

describe('each trick draws from its own stream', () => {
  it('CutMix cuts the same boxes with and without mixup on (switch probability 1: CutMix every batch)', () => {
    const alone = preparedInputs(tinyConfig({ cutmix: on({ prob: 1 }) }), 4);
    const withMixup = preparedInputs(tinyConfig({ cutmix: on({ prob: 1, switchProb: 1 }), mixup: on(), labelSmoothing: on() }), 4);
    expect(withMixup).toEqual(alone);
    // And the batches really were cut (not left as they came).
    const plain = fixedBatch();
    expect(alone[0]).not.toEqual(Array.from(plain.x.dataSync()));
    tf.dispose([plain.x, plain.targets]);
  });

  it('with both on, each batch is exactly CutMix\'s or exactly mixup\'s batch of the same step, never both', () => {
    const batches = 12;
    const cut = preparedInputs(tinyConfig({ cutmix: on({ prob: 1 }) }), batches);
    const mixed = preparedInputs(tinyConfig({ mixup: on() }), batches);
    const both = preparedInputs(tinyConfig({ cutmix: on(), mixup: on() }), batches);
    const kinds = both.map((x, i) => {
      if (JSON.stringify(x) === JSON.stringify(cut[i])) return 'cutmix';
      if (JSON.stringify(x) === JSON.stringify(mixed[i])) return 'mixup';
      return 'other';
    });
    expect(kinds).not.toContain('other');
    expect(kinds).toContain('cutmix');
    expect(kinds).toContain('mixup');
  });
});

describe('CutMix probability and the mixup/CutMix switch', () => {
  const shape = { n: 8, h: 8, w: 8 };
  const share = (prob: number, draws = 2000): number => {
    const rt = { config: tinyConfig(), numClasses: NUM_CLASSES, rng: createRng(5) };
    const p = { alpha: 1, prob, switchProb: 0.5 };
    let cut = 0;
    for (let i = 0; i < draws; i++) if (cutmix.mix?.(shape, p, rt).apply) cut++;
    return cut / draws;
  };

  it('cuts a share `prob` of the batches (default 0.5, the paper\'s CIFAR recipe)', () => {
    expect(cutmix.params.find((p) => p.key === 'prob')?.default).toBe(0.5);
    // 2,000 draws: standard error 0.011 at p = 0.5.
    expect(Math.abs(share(0.5) - 0.5)).toBeLessThan(0.04);
    expect(Math.abs(share(0.2) - 0.2)).toBeLessThan(0.04);
    expect(share(0)).toBe(0);
    expect(share(1)).toBe(1);
  });

  it('with both on, the switch draw picks CutMix below switchProb and mixup above it, whatever CutMix\'s own probability', () => {
    const config = tinyConfig({ mixup: on(), cutmix: on({ prob: 0, switchProb: 0.3 }) });
    const tricks = resolveTricks(config, TRICKS);
    const [m, c] = tricks.having('mix');
    expect([m.trick.id, c.trick.id]).toEqual([mixup.id, cutmix.id]);
    const draw = (name: string, apply: boolean) => ({ apply, mix: () => { throw new Error(name); } });
    const draws = [
      { active: m, draw: draw('mixup', true) },
      { active: c, draw: draw('cutmix', false) },
    ];
    const chosen = (u: number) => {
      const d = tricks.chooseMixer(draws, u);
      return d === draws[0].draw ? 'mixup' : d === draws[1].draw ? 'cutmix' : null;
    };
    expect([0, 0.29, 0.3, 0.99].map(chosen)).toEqual(['cutmix', 'cutmix', 'mixup', 'mixup']);
    // Alone, CutMix mixes only when its own draw says so.
    expect(tricks.chooseMixer([draws[1]], 0)).toBeNull();
    expect(tricks.chooseMixer([{ active: c, draw: draw('cutmix', true) }], 0.9)).not.toBeNull();
    expect(tricks.chooseMixer([], 0.5)).toBeNull();
  });

  it('defaults the switch to 0.5, as timm', () => {
    expect(cutmix.params.find((p) => p.key === 'switchProb')?.default).toBe(0.5);
  });
});
