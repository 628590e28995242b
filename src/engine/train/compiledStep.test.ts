/**
 * The compiled step (compiledStep.ts) against the op-by-op step it captures, on Dawn in Node:
 * for every lever of the CIFAR ResNet, the ImageNet-style ResNet-18/50 with the B/C/D tweaks,
 * with every trick on and with FP16, the same losses step by step
 * (relative 1e-3 over 20 steps for the default network) and the same weights, momentum and
 * running statistics after each of the first steps (relative 1e-4: they differ only if one
 * step's gradient does), with a learning rate that changes every step. It also checks that the
 * steps after the captured second one replay (no tfjs dispatch), that the tensor count stays
 * flat, and that a checkpoint restored from outside (new variable buffers) is noticed and
 * recaptured.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { makeConfig, type DeepPartial, type ExperimentConfig } from '../config';
import { setAdapterClass } from '../kernels/program';
import { createModel, disposeModel, readWeights } from '../model';
import { createTeacher } from '../model/teacher';
import { createRng } from '../rng';
import { createTrickStreams } from '../tricks/resolve';
import { compileTrainStep, type CompiledTrainStep } from './compiledStep';
import { createTrainStep, type TrainStep } from './step';
import { compare, randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const BATCH = 4;
const SIZE = 8;
const CLASSES = 10;
const on = { enabled: true, params: {} };
/** Every trick but FP16 (tested on its own below, its emulation rounds differently). */
const ALL_TRICKS = {
  linearScaling: on, warmup: on, zeroGamma: on, noBiasDecay: on, cosine: on,
  labelSmoothing: on, distillation: on, mixup: on, cutmix: on,
};

function configFor(patch: DeepPartial<ExperimentConfig>): ExperimentConfig {
  return makeConfig({
    ...patch,
    model: { depth: 8, widthMultiplier: 0.25, ...patch.model },
    data: { resolution: SIZE },
    optim: { batchSize: BATCH, nesterov: true },
    run: { kernels: 'custom', epochs: 3 },
  });
}

/** A model and its step (compiled or not), fed the same seeded batches. */
function build(config: ExperimentConfig, compiled: boolean) {
  const model = createModel(config.model, CLASSES, createRng(3));
  const teacherModel = configFor({}).model;
  const teacherWeights = (() => {
    const m = createModel(teacherModel, CLASSES, createRng(9));
    const w = m.params.map((p) => p.variable.dataSync() as Float32Array);
    const b = m.buffers.map((v) => v.dataSync() as Float32Array);
    disposeModel(m);
    return [...w, ...b];
  })();
  const teacher = config.tricks.distillation?.enabled ? createTeacher(teacherModel, teacherWeights, CLASSES) : null;
  const inner = createTrainStep({ model, config, runtime: { config, numClasses: CLASSES, streams: createTrickStreams(createRng(4)), teacher: teacher?.logits } });
  const step: TrainStep | CompiledTrainStep = compiled ? compileTrainStep(inner, () => [...model.params.map((p) => p.variable), ...model.buffers, ...inner.state]) : inner;
  return {
    step,
    /** One step on seeded batch i at learning rate lr: the loss and the dispatches tfjs recorded. */
    async run(i: number, lr: number): Promise<{ loss: number; dispatches: number }> {
      const x = tf.tensor4d(randomValues(createRng(100 + i), BATCH * SIZE * SIZE * 3), [BATCH, SIZE, SIZE, 3]);
      const targets = tf.tidy(() => tf.oneHot(tf.tensor1d([i % 10, (3 * i) % 10, (7 * i + 1) % 10, 9], 'int32'), CLASSES).toFloat() as tf.Tensor2D);
      const prepared = step.prepare({ x, targets });
      let loss: tf.Scalar | null = null;
      // Only the step itself: the batch tricks (prepare) run as tfjs ops either way.
      const { total } = countDispatches(() => {
        const out = step.run(prepared, lr);
        out.correct.dispose();
        loss = out.loss;
      });
      tf.dispose([x, targets, prepared.x, prepared.targets]);
      const l = loss as unknown as tf.Scalar;
      const value = (await l.data())[0];
      l.dispose();
      return { loss: value, dispatches: total };
    },
    async values(): Promise<Float32Array[]> {
      const vars = await Promise.all(inner.state.map(async (v) => new Float32Array(await v.data())));
      return [...(await readWeights(model)), ...vars];
    },
    model,
    dispose() {
      step.dispose();
      teacher?.dispose();
      disposeModel(model);
    },
  };
}

const lrAt = (i: number) => 0.1 * (1 - i / 40);

function expectClose(got: Float32Array[], want: Float32Array[], rtol: number, what: string): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    const { worst, maxAbs } = compare(got[i], w, 1e-6, rtol);
    expect(worst, `${what}, tensor ${i}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
  });
}

type Built = ReturnType<typeof build>;

/** The op-by-op step and the compiled one of the same config, freed after `f`. */
async function withBoth<T>(config: ExperimentConfig, f: (ref: Built, ours: Built) => Promise<T>): Promise<T> {
  const ref = build(config, false);
  const ours = build(config, true);
  try {
    return await f(ref, ours);
  } finally {
    ref.dispose();
    ours.dispose();
  }
}

/** Steps `from` … `to` − 1 on both, results unused. */
async function stepBoth(ref: Built, ours: Built, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    await ref.run(i, lrAt(i));
    await ours.run(i, lrAt(i));
  }
}

/** Runs `steps` steps of both; compares losses and, for the first `compareValues` steps, every value. */
async function matchOpByOp(config: ExperimentConfig, steps: number, compareValues: number, after?: (ours: Built) => Promise<void>): Promise<CompiledTrainStep> {
  return withBoth(config, async (ref, ours) => {
    const compiled = ours.step as CompiledTrainStep;
    for (let i = 0; i < steps; i++) {
      const want = await ref.run(i, lrAt(i));
      const got = await ours.run(i, lrAt(i));
      expect(Math.abs(got.loss - want.loss), `step ${i}: loss ${got.loss} vs ${want.loss}`).toBeLessThanOrEqual(1e-3 * Math.abs(want.loss));
      if (i > 1) expect(got.dispatches, `step ${i} replays (${compiled.info.note})`).toBe(0);
      if (i < compareValues) expectClose(await ours.values(), await ref.values(), 1e-4, `after step ${i}`);
    }
    expect(compiled.info.mode).toBe('compiled');
    await after?.(ours);
    return compiled;
  });
}

describe('compiled training step', () => {
  it('matches the op-by-op step for 20 steps of the default network, with a changing learning rate', async () => {
    const before = tf.memory().numTensors;
    const compiled = await matchOpByOp(configFor({}), 20, 4);
    expect(compiled.info.stats?.dispatches).toBeGreaterThan(20);
    expect(compiled.info.note).toMatch(/^compiled: \d+ dispatches/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("matches with a GPU's work split, its filter gradients' split-K reduces merged into one dispatch", async () => {
    setAdapterClass('gpu');
    try {
      const compiled = await matchOpByOp(configFor({}), 4, 4);
      const stats = compiled.info.stats;
      // At batch 4 of 8×8 the three full-resolution convolutions (stem, first block) have
      // K = 256 and two slices each; the smaller ones one: 3 reduces run as 1.
      expect(stats?.mergedReduces).toBe(2);
      expect(new Map(stats?.byProgram).get('tlSplitKReduceMerged')).toBe(1);
      expect(new Map(stats?.byProgram).has('tlSplitKReduce')).toBe(false);
    } finally {
      setAdapterClass('auto');
    }
  });

  it("matches with SwiftShader's register filter gradient, whose split-K reduces are merged too", async () => {
    setAdapterClass('cpu');
    try {
      const compiled = await matchOpByOp(configFor({}), 4, 4);
      const byProgram = new Map(compiled.info.stats?.byProgram);
      // conv2dBackpropFilterVec4.ts: the stem's pass reads x a channel at a time, the rest as vec4s.
      expect(byProgram.get('tlConv2DBackpropFilterScalarX')).toBe(1);
      expect(byProgram.get('tlConv2DBackpropFilterVec4')).toBeGreaterThan(1);
      expect(byProgram.has('tlConv2DBackpropFilterPartial')).toBe(false);
      expect(compiled.info.stats?.mergedReduces).toBeGreaterThan(1);
      expect(byProgram.get('tlSplitKReduceMerged')).toBe(1);
      expect(byProgram.has('tlSplitKReduce')).toBe(false);
    } finally {
      setAdapterClass('auto');
    }
  });

  const splitLevers: [string, DeepPartial<ExperimentConfig>][] = [
    ['option B shortcuts with ResNet-D', { model: { shortcut: 'projection', resnetD: true } }],
    ['FP16 and every other trick', { tricks: { ...ALL_TRICKS, fp16: on } }],
  ];
  for (const [name, patch] of splitLevers) {
    it(`matches with a GPU's work split and ${name}`, async () => {
      setAdapterClass('gpu');
      try {
        const compiled = await matchOpByOp(configFor(patch), 4, 4);
        expect(compiled.info.stats?.mergedReduces).toBeGreaterThan(0);
      } finally {
        setAdapterClass('auto');
      }
    });
  }

  it('matches with every trick on but FP16', async () => {
    await matchOpByOp(configFor({ tricks: ALL_TRICKS }), 5, 5);
  });

  const levers: [string, DeepPartial<ExperimentConfig>][] = [
    ['swish', { model: { activation: 'swish' } }],
    ['gelu and SE', { model: { activation: 'gelu', se: true } }],
    ['no skip connections', { model: { skipConnections: false } }],
    ['option B shortcuts with ResNet-D', { model: { shortcut: 'projection', resnetD: true } }],
    ['width ×0.5', { model: { widthMultiplier: 0.5 } }],
    ['depth 14', { model: { depth: 14 } }],
    ['ResNet-18 with ResNet-C and -D', { model: { family: 'resnet18', widthMultiplier: 0.125, resnetC: true, resnetD: true } }],
    ['ResNet-50 with ResNet-B', { model: { family: 'resnet50', widthMultiplier: 0.125, resnetB: true } }],
  ];
  for (const [name, patch] of levers) {
    it(`matches with ${name}`, async () => {
      await matchOpByOp(configFor(patch), 4, 4);
    });
  }

  it('times a replayed step on the GPU where the device has timestamp queries, and the step is an ordinary one', async () => {
    const config = configFor({});
    await withBoth(config, async (ref, ours) => {
      await stepBoth(ref, ours, 0, 3); // op by op, captured, replayed
      const x = tf.tensor4d(randomValues(createRng(7), BATCH * SIZE * SIZE * 3), [BATCH, SIZE, SIZE, 3]);
      const targets = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), CLASSES).toFloat() as tf.Tensor2D);
      const want = ref.step.run({ x, targets }, 0.05);
      const { out, gpuMs } = (ours.step as CompiledTrainStep).runTimed({ x, targets }, 0.05);
      expect((await out.loss.data())[0]).toBeCloseTo((await want.loss.data())[0], 5);
      const ms = await gpuMs;
      const device = (tf.backend() as unknown as { device: GPUDevice }).device;
      if (device.features.has('timestamp-query')) expect(ms).toBeGreaterThan(0);
      else expect(ms).toBeNull();
      tf.dispose([x, targets, want.loss, want.correct, out.loss, out.correct]);
      expectClose(await ours.values(), await ref.values(), 1e-4, 'after the timed step');
    });
  });

  it('matches with FP16 (loss scaling, its state written in place), an overflowing step included', async () => {
    // An initial scale of 2^24 overflows the first steps: their updates are skipped on the GPU.
    await matchOpByOp(configFor({ tricks: { fp16: { enabled: true, params: { initialScale: 2 ** 24 } } } }), 6, 6, async (ours) => {
      expect((await ours.step.skipped.data())[0], 'steps skipped on overflow').toBeGreaterThan(0);
    });
  });

  it('recaptures after a variable is assigned from outside (a restored checkpoint)', async () => {
    const config = configFor({});
    await withBoth(config, async (ref, ours) => {
      await stepBoth(ref, ours, 0, 2);
      // Both get the same new weights for their first parameter, in a new buffer.
      for (const b of [ref, ours]) {
        const v = b.model.params[0].variable;
        v.assign(tf.tidy(() => tf.mul(v, 0.5)));
      }
      // Op by op, captured, then replayed again.
      for (let i = 2; i < 5; i++) {
        const want = await ref.run(i, lrAt(i));
        const got = await ours.run(i, lrAt(i));
        expect(got.dispatches > 0, `step ${i}: ${got.dispatches} tfjs dispatches`).toBe(i < 4);
        expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-3 * Math.abs(want.loss));
      }
      expectClose(await ours.values(), await ref.values(), 1e-4, 'after the recapture');
    });
  });
});
