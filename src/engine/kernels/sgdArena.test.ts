/**
 * The one-dispatch updates over flat arenas (sgdArena.ts, runningAverageUpdates) against the
 * per-tensor kernels on WebGPU and plain tf ops on tfjs's CPU backend: four steps on parameters
 * of four ranks, decayed and undecayed mixed (the arena reorders them), Nesterov on and off, an
 * open and a closed gate. Also what the arena must survive: variables that share their buffer
 * with another tensor, values cached on the CPU by a read, a variable assigned from outside
 * between steps (a restored checkpoint), and the tensor count.
 * Error bound: |arena − reference| ≤ 1e-6 + 1e-6·|reference| (the same fp32 operations).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countDispatches } from '../../bench/dispatchCounter';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';
import { makeConfig } from '../config';
import { createSgd } from '../train/optimizer';
import type { ParamInfo } from '../tricks/types';
import { createSgdArena } from './sgdArena';
import { runningAverageUpdate, runningAverageUpdates, sgdMomentumUpdate } from './updates';

useWebGPU();

const rng = createRng(11);
/** Shapes of a conv filter, a BN γ, a dense weight and a bias; which of them are decayed. */
const SHAPES = [[3, 3, 4, 5], [5], [5, 7], [7]];
const DECAYED = [true, false, true, false];
const W0 = SHAPES.map((s) => randomValues(rng, tf.util.sizeFromShape(s)));
const GRADS = [0, 1, 2, 3].map(() => SHAPES.map((s) => randomValues(rng, tf.util.sizeFromShape(s))));
const LR = [0.1, 0.05, 0.2, 0.1];
const WD = 5e-4;

type Path = 'arena' | 'per-tensor' | 'tf ops';

/** Four steps on the given path; returns every weight then every momentum buffer. */
function train(path: Path, nesterov: boolean, open: boolean, decayed = DECAYED): tf.Tensor[] {
  const weights = SHAPES.map((s, i) => tf.variable(tf.tensor(W0[i], s)));
  const buffers = SHAPES.map((s) => tf.variable(tf.zeros(s)));
  const gate = tf.scalar(open, 'bool');
  const arena = createSgdArena(weights.map((w, i) => ({ weight: w, buffer: buffers[i], decayed: decayed[i] })));
  for (const [step, gs] of GRADS.entries()) {
    const grads = gs.map((g, i) => tf.tensor(g, SHAPES[i]));
    if (path === 'arena') {
      arena.step(grads, { lr: LR[step], momentum: 0.9, weightDecay: WD, nesterov, gate });
    } else {
      const kernels = path === 'per-tensor' ? 'custom' : 'stock';
      weights.forEach((w, i) => sgdMomentumUpdate(w, buffers[i], grads[i], { lr: LR[step], momentum: 0.9, weightDecay: decayed[i] ? WD : 0, nesterov, gate, kernels }));
    }
    tf.dispose(grads);
  }
  arena.dispose();
  gate.dispose();
  return [...weights, ...buffers];
}

const expectClose = (got: Float32Array[], want: Float32Array[]) =>
  want.forEach((w, i) => {
    const { worst, maxAbs } = compare(got[i], w, 1e-6, 1e-6);
    expect(worst, `tensor ${i}: max abs error ${maxAbs}`).toBeLessThanOrEqual(1);
  });

describe('SGD arena', () => {
  for (const nesterov of [true, false]) {
    for (const open of [true, false]) {
      it(`matches the per-tensor kernels and tf ops (${nesterov ? 'Nesterov' : 'heavy ball'}, gate ${open ? 'open' : 'closed'})`, async () => {
        const ref = await runOn('cpu', () => train('tf ops', nesterov, open));
        const perTensor = await runOn('webgpu', () => train('per-tensor', nesterov, open));
        const before = tf.memory().numTensors;
        const arena = await runOn('webgpu', () => train('arena', nesterov, open));
        expect(tf.memory().numTensors).toBe(before);
        expectClose(arena, ref);
        expectClose(arena, perTensor);
        if (open) {
          // Decay mattered: without it the decayed tensors come out otherwise.
          const noDecay = await runOn('cpu', () => train('tf ops', nesterov, open, [false, false, false, false]));
          expect(compare(arena[0], noDecay[0], 1e-6, 1e-6).worst).toBeGreaterThan(1);
          expect(Array.from(arena[1])).toEqual(Array.from(noDecay[1]));
        } else {
          arena.slice(0, 4).forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(W0[i])));
          arena.slice(4).forEach((b) => expect(b.every((v) => v === 0)).toBe(true));
        }
      });
    }
  }

  it('is one dispatch per step, and keeps the tensor count flat after the first', async () => {
    await tf.setBackend('webgpu');
    const weights = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(W0[i], s))));
    const buffers = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
    const arena = createSgdArena(weights.map((w, i) => ({ weight: w, buffer: buffers[i], decayed: DECAYED[i] })));
    const counts: number[] = [];
    for (const gs of GRADS) {
      const grads = gs.map((g, i) => tf.tensor(g, SHAPES[i]));
      const { total, byProgram } = countDispatches(() => arena.step(grads, { lr: 0.1, momentum: 0.9, weightDecay: WD, nesterov: true }));
      expect(total).toBe(1);
      expect([...byProgram.keys()]).toEqual(['tlArena']);
      tf.dispose(grads);
      counts.push(tf.memory().numTensors);
    }
    // The arena's two tensors appear at the first step, then nothing more.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[0]).toBe(counts[1]);
    arena.dispose();
    expect(tf.memory().numTensors).toBe(counts[0] - 2);
    tf.dispose([...weights, ...buffers]);
  });

  it('leaves a tensor sharing a weight’s buffer alone, refreshes values read back, and notices an outside assign', async () => {
    await tf.setBackend('webgpu');
    // The same sequence on the per-tensor path and the arena: a clone taken before step 1, a
    // read after every step, and the momentum replaced from outside before step 3 (as a restore).
    const run = async (path: Path): Promise<Float32Array[]> => {
      const weights = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(W0[i], s))));
      const buffers = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
      const arena = createSgdArena(weights.map((w, i) => ({ weight: w, buffer: buffers[i], decayed: DECAYED[i] })));
      const clone = tf.clone(weights[0]);
      const reads: Float32Array[] = [];
      for (const [step, gs] of GRADS.entries()) {
        if (step === 2) tf.tidy(() => buffers[1].assign(tf.fill(SHAPES[1], 0.25)));
        const grads = gs.map((g, i) => tf.tensor(g, SHAPES[i]));
        if (path === 'arena') arena.step(grads, { lr: LR[step], momentum: 0.9, weightDecay: WD, nesterov: true });
        else weights.forEach((w, i) => sgdMomentumUpdate(w, buffers[i], grads[i], { lr: LR[step], momentum: 0.9, weightDecay: DECAYED[i] ? WD : 0, nesterov: true, kernels: 'custom' }));
        tf.dispose(grads);
        // A read caches the values on the CPU; the next step must not leave that copy stale.
        reads.push(new Float32Array(await weights[3].data()));
      }
      arena.dispose();
      const all = [...weights, ...buffers, clone];
      const values = await Promise.all(all.map(async (t) => new Float32Array(await t.data())));
      tf.dispose(all);
      return [...values, ...reads];
    };
    const perTensor = await run('per-tensor');
    const before = tf.memory().numTensors;
    const arena = await run('arena');
    expect(tf.memory().numTensors).toBe(before);
    expectClose(arena, perTensor);
    expect(Array.from(arena[8])).toEqual(Array.from(W0[0]));
    expect(Array.from(arena[9])).not.toEqual(Array.from(arena[10]));
  });
});

describe('SGD arena on loss-scaled gradients (FP16)', () => {
  /**
   * Four steps of applyScaled (createSgd: the arena on WebGPU with 'custom', tf ops on the CPU):
   * the gradients times `scale`, with ±Inf or NaN in one of them at the steps in `bad`.
   */
  const scaled = (scale: number, bad: number[]) => () => {
    const config = makeConfig({ optim: { momentum: 0.9, nesterov: true, weightDecay: WD } }).optim;
    const kinds: ParamInfo['kind'][] = ['conv', 'bn-gamma', 'dense-weight', 'bias'];
    const params: ParamInfo[] = SHAPES.map((s, i) => ({ name: `p${i}`, kind: kinds[i], variable: tf.tidy(() => tf.variable(tf.tensor(W0[i], s))) }));
    const sgd = createSgd(config, params, (p) => DECAYED[kinds.indexOf(p.kind)], 'custom');
    const s = tf.scalar(scale);
    const flags: tf.Tensor[] = [];
    for (const [step, gs] of GRADS.entries()) {
      const grads = gs.map((g, i) => {
        const values = g.map((v) => v * scale);
        if (bad.includes(step)) values[step] = [Infinity, -Infinity, NaN, Infinity][step];
        return tf.tensor(values, SHAPES[i]);
      });
      flags.push(sgd.applyScaled(grads, LR[step], s).toFloat());
      tf.dispose(grads);
    }
    const out = [...params.map((p) => p.variable), ...sgd.buffers.map((b) => tf.clone(b)), tf.stack(flags)];
    sgd.dispose();
    tf.dispose([s, ...flags]);
    return out;
  };

  for (const [scale, bad] of [[1024, [1]], [1000, [0, 3]], [65536, []]] as const) {
    it(`unscales by ${scale} and skips the steps with a non-finite gradient (${bad.length ? `steps ${bad.map((b) => b + 1).join(', ')}` : 'none'}) as tf ops do`, async () => {
      const ref = await runOn('cpu', scaled(scale, [...bad]));
      const before = tf.memory().numTensors;
      const arena = await runOn('webgpu', scaled(scale, [...bad]));
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(arena[8])).toEqual([0, 1, 2, 3].map((step) => (bad.includes(step as never) ? 0 : 1)));
      expectClose(arena, ref);
    });
  }

  it('is two dispatches a step: the finiteness check and the update', async () => {
    await tf.setBackend('webgpu');
    const weights = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(W0[i], s))));
    const buffers = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
    const arena = createSgdArena(weights.map((w, i) => ({ weight: w, buffer: buffers[i], decayed: DECAYED[i] })));
    const grads = GRADS[0].map((g, i) => tf.tensor(g, SHAPES[i]));
    const scale = tf.scalar(8);
    let finite: tf.Scalar | null = null;
    const { total, byProgram } = countDispatches(() => {
      finite = arena.stepScaled(grads, { lr: 0.1, momentum: 0.9, weightDecay: WD, nesterov: true }, scale);
    });
    expect(total).toBe(2);
    expect([...byProgram.keys()]).toEqual(['tlArena']);
    expect(Array.from(await (finite as unknown as tf.Scalar).data())).toEqual([1]);
    arena.dispose();
    tf.dispose([...weights, ...buffers, ...grads, scale, finite as unknown as tf.Scalar]);
  });
});

describe('runningAverageUpdates', () => {
  it('updates every statistic in one dispatch, as one update each', async () => {
    const sizes = [6, 6, 10, 10, 3];
    const running = sizes.map((n) => randomValues(rng, n));
    const stats = sizes.map((n) => randomValues(rng, n));
    const scales = [1, 81 / 80, 1, 1.5, 2];
    const run = (together: boolean) => () => {
      const vars = running.map((r) => tf.variable(tf.tensor1d(r)));
      const batch = stats.map((s) => tf.tensor1d(s));
      for (let step = 0; step < 2; step++) {
        if (together) {
          const { total } = countDispatches(() => runningAverageUpdates(vars.map((v, i) => ({ running: v, stat: batch[i], scale: scales[i] })), 0.1, 'custom'));
          expect(total).toBe(1);
        } else {
          vars.forEach((v, i) => runningAverageUpdate(v, batch[i], 0.1, scales[i], 'custom'));
        }
      }
      tf.dispose(batch);
      return vars;
    };
    const oneEach = await runOn('webgpu', run(false));
    const before = tf.memory().numTensors;
    const together = await runOn('webgpu', run(true));
    expect(tf.memory().numTensors).toBe(before);
    together.forEach((t, i) => expect(Array.from(t)).toEqual(Array.from(oneEach[i])));
    // By hand, first element after two steps: r ← 0.9·r + 0.1·s·b, twice.
    const r1 = 0.9 * running[1][0] + 0.1 * scales[1] * stats[1][0];
    expect(together[1][0]).toBeCloseTo(0.9 * r1 + 0.1 * scales[1] * stats[1][0], 5);
  });
});
