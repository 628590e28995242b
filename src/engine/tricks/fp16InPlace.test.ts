// FP16's bookkeeping after a step (loss scale, clean-step count, skipped count) on WebGPU in Node
// (Dawn on SwiftShader) with the 'custom' kernels: one dispatch, in place, with the numbers of the
// tf-op path ('stock'), step by step through overflows, growth and both clamps; and whole FP16
// training steps whose every variable (weights, running averages, momentum, scale and counters)
// keeps its dataId while losses and state equal those of the same step with the tf-op bookkeeping.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { makeConfig } from '../config';
import type { KernelSet } from '../kernels/registry';
import { createModel, disposeModel, readWeights } from '../model';
import { createRng } from '../rng';
import { createTrainStep } from '../train/step';
import { FP16_MAX_SCALE } from './catalog';
import { createFp16Numerics, fp16 } from './fp16';
import { createTrickStreams, resolveTricks } from './resolve';
import type { Trick } from './types';
import { randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

/** Numerics plus a skipped counter, updated with `kernels`; `step` returns [scale, clean, skipped] and the dispatches it took. */
function scaler(kernels: KernelSet, initialScale: number, growthInterval: number) {
  const n = createFp16Numerics({ initialScale, growthInterval });
  const skipped = tf.tidy(() => tf.variable(tf.scalar(0), false));
  const vars = [n.scale, ...(n.state ?? []).slice(1), skipped];
  return {
    vars,
    async step(finite: boolean): Promise<{ values: number[]; dispatches: number }> {
      const flag = tf.scalar(finite, 'bool');
      const { total } = countDispatches(() => tf.tidy(() => n.update(flag, skipped, kernels)));
      flag.dispose();
      return { values: await Promise.all(vars.map(async (v) => (await v.data())[0])), dispatches: total };
    },
    dispose() {
      n.dispose();
      skipped.dispose();
    },
  };
}

describe("FP16 loss-scale bookkeeping with 'custom' kernels on WebGPU", () => {
  it('follows the tf-op path step by step in 1 dispatch, every variable keeping its buffer', async () => {
    await tf.setBackend('webgpu');
    // Clean steps grow the scale to the 2^24 cap and past it; overflows halve it down to the floor of 1.
    const flags = [true, true, true, true, true, false, true, false, false, false, true, true, true];
    for (const [initialScale, growthInterval] of [[2 ** 23, 2], [4, 3]]) {
      const ours = scaler('custom', initialScale, growthInterval);
      const ref = scaler('stock', initialScale, growthInterval);
      try {
        const ids = ours.vars.map((v) => v.dataId);
        const trace: number[][] = [];
        for (const finite of flags) {
          const [a, b] = [await ours.step(finite), await ref.step(finite)];
          expect(a.values, `after ${trace.length + 1} steps`).toEqual(b.values);
          expect(a.dispatches).toBe(1);
          expect(b.dispatches).toBeGreaterThan(5);
          trace.push(a.values);
        }
        expect(ours.vars.map((v) => v.dataId)).toEqual(ids);
        // The policy itself (hand-computed): [scale, clean, skipped] at a few steps.
        if (initialScale === 2 ** 23) {
          // Growth at step 4 is capped at 2^24.
          expect(trace.slice(0, 6)).toEqual([[2 ** 23, 1, 0], [2 ** 24, 0, 0], [2 ** 24, 1, 0], [2 ** 24, 0, 0], [2 ** 24, 1, 0], [2 ** 23, 0, 1]]);
        } else {
          // Doubled at step 3; the overflow at step 10 finds the scale at its floor of 1.
          expect(trace.slice(5, 11)).toEqual([[4, 0, 1], [4, 1, 1], [2, 0, 2], [1, 0, 3], [1, 0, 4], [1, 1, 4]]);
        }
      } finally {
        ours.dispose();
        ref.dispose();
      }
    }
  });

  it('keeps every dataId through FP16 training steps with an overflow, with the losses and state of the tf-op bookkeeping', async () => {
    await tf.setBackend('webgpu');
    const BATCH = 4;
    const SIZE = 8;
    // Scale 2^24 overflows half in the first steps (skipped, halved); growth after 2 clean steps.
    const config = makeConfig({
      model: { depth: 8, widthMultiplier: 0.25 },
      data: { resolution: SIZE },
      optim: { batchSize: BATCH, nesterov: true },
      run: { kernels: 'custom' },
      tricks: { fp16: { enabled: true, params: { initialScale: FP16_MAX_SCALE, growthInterval: 2 } } },
    });
    // The same trick with its bookkeeping forced onto the tf-op path (the rest of the step stays 'custom').
    const opsBookkeeping: Trick = {
      ...fp16,
      numerics: (p) => {
        const n = createFp16Numerics(p);
        return { ...n, update: (finite, skipped) => n.update(finite, skipped, 'stock') };
      },
    };
    const build = (trick: Trick) => {
      const model = createModel(config.model, 10, createRng(3));
      const step = createTrainStep({ model, config, tricks: resolveTricks(config, [trick]), runtime: { config, numClasses: 10, streams: createTrickStreams(createRng(4)) } });
      const vars = () => [...model.params.map((p) => p.variable), ...model.buffers, ...step.state];
      return { model, step, vars };
    };
    const ours = build(fp16);
    const ref = build(opsBookkeeping);
    const x = tf.tensor4d(randomValues(createRng(10), BATCH * SIZE * SIZE * 3), [BATCH, SIZE, SIZE, 3]);
    const targets = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 3, 7, 9], 'int32'), 10).toFloat() as tf.Tensor2D);
    try {
      const ids = ours.vars().map((v) => v.dataId);
      const refIds = ref.vars().map((v) => v.dataId);
      const run = async (s: ReturnType<typeof build>) => {
        let loss: tf.Scalar | null = null;
        const { byProgram } = countDispatches(() => {
          const out = s.step.run({ x, targets }, 0.05);
          out.correct.dispose();
          loss = out.loss;
        });
        const value = (await (loss as unknown as tf.Scalar).data())[0];
        (loss as unknown as tf.Scalar).dispose();
        return { loss: value, lossScale: byProgram.get('tlLossScale') ?? 0 };
      };
      const skips: number[] = [];
      for (let i = 0; i < 8; i++) {
        const [a, b] = [await run(ours), await run(ref)];
        expect(a.loss, `loss at step ${i + 1}`).toBe(b.loss);
        expect([a.lossScale, b.lossScale]).toEqual([1, 0]);
        const [mine, theirs] = [await Promise.all(ours.step.state.map((v) => v.data())), await Promise.all(ref.step.state.map((v) => v.data()))];
        expect(mine, `momentum, scale, counters after step ${i + 1}`).toEqual(theirs);
        skips.push((await ours.step.skipped.data())[0]);
      }
      // Some steps were skipped (the overflow), and later ones went through.
      expect(skips[0]).toBe(1);
      expect(skips[skips.length - 1]).toBe(skips[skips.length - 2]);
      expect(await readWeights(ours.model)).toEqual(await readWeights(ref.model));
      expect(ours.vars().map((v) => v.dataId)).toEqual(ids);
      // The tf-op bookkeeping gives the scale and the counters new buffers (what this test would see).
      expect(ref.vars().map((v) => v.dataId)).not.toEqual(refIds);
    } finally {
      tf.dispose([x, targets]);
      for (const s of [ours, ref]) {
        s.step.dispose();
        disposeModel(s.model);
      }
    }
  });
});
