/**
 * sgdMomentumUpdate and runningAverageUpdate: our one- and two-dispatch WebGPU kernels against
 * the same functions on tfjs's CPU backend (plain tf ops), over three steps, with and without
 * Nesterov, weight decay and a closed gate; and a running average checked by hand.
 * Error bound: |ours − cpu| ≤ 1e-6 + 1e-6·|cpu| (a handful of fp32 operations per element).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';
import { runningAverageUpdate, sgdMomentumUpdate } from './updates';

useWebGPU();

const CASES = [
  { name: 'Nesterov, weight decay', nesterov: true, weightDecay: 5e-4, open: true },
  { name: 'plain momentum, no decay', nesterov: false, weightDecay: 0, open: true },
  { name: 'Nesterov, closed gate keeps w and buf', nesterov: true, weightDecay: 5e-4, open: false },
];

describe('sgdMomentumUpdate', () => {
  const rng = createRng(3);
  for (const c of CASES) {
    it(c.name, async () => {
      const shape = [3, 3, 5, 7];
      const w0 = randomValues(rng, 315);
      const grads = [0, 1, 2].map(() => randomValues(rng, 315));
      const run = () => {
        const w = tf.variable(tf.tensor(w0, shape));
        const buf = tf.variable(tf.zeros(shape));
        const gate = tf.scalar(c.open, 'bool');
        for (const [i, g] of grads.entries()) {
          const gt = tf.tensor(g, shape);
          sgdMomentumUpdate(w, buf, gt, { lr: 0.1 / (i + 1), momentum: 0.9, weightDecay: c.weightDecay, nesterov: c.nesterov, gate, kernels: 'custom' });
          gt.dispose();
        }
        gate.dispose();
        return [w, buf];
      };
      const ref = await runOn('cpu', run);
      const before = tf.memory().numTensors;
      const ours = await runOn('webgpu', run);
      expect(tf.memory().numTensors).toBe(before);
      for (const i of [0, 1]) expect(compare(ours[i], ref[i], 1e-6, 1e-6).worst).toBeLessThanOrEqual(1);
      if (!c.open) {
        expect(Array.from(ours[0])).toEqual(Array.from(w0));
        expect(ours[1].every((v) => v === 0)).toBe(true);
      } else {
        expect(ours[0][0]).not.toBe(w0[0]);
      }
    });
  }

  it('uses one momentum and one weight pipeline for parameters of every rank', async () => {
    await tf.setBackend('webgpu');
    const keys = () => Object.keys((tf.backend() as unknown as { pipelineCache: object }).pipelineCache).filter((k) => /^tlUpdate_(momentum|weight)_false_false/.test(k));
    for (const shape of [[6], [4, 3], [3, 3, 2, 5]]) {
      const w = tf.variable(tf.ones(shape));
      const buf = tf.variable(tf.zeros(shape));
      const g = tf.fill(shape, 2);
      sgdMomentumUpdate(w, buf, g, { lr: 0.5, momentum: 0.9, weightDecay: 0, nesterov: false, kernels: 'custom' });
      // buf = 0.9·0 + 2 = 2; w = 1 − 0.5·2 = 0, in the variable's own shape.
      expect(w.shape).toEqual(shape);
      expect(Array.from(await w.data())).toEqual(new Array(w.size).fill(0));
      expect(Array.from(await buf.data())).toEqual(new Array(w.size).fill(2));
      tf.dispose([w, buf, g]);
    }
    expect(keys()).toHaveLength(2);
  });
});

describe('runningAverageUpdate', () => {
  it('mixes in momentum·scale·stat', async () => {
    const run = () => {
      const r = tf.variable(tf.tensor1d([1, 2, 3]));
      runningAverageUpdate(r, tf.tensor1d([10, 20, 30]), 0.1, 2, 'custom');
      return r;
    };
    // 0.9·r + 0.1·2·stat
    const expected = [0.9 + 2, 1.8 + 4, 2.7 + 6];
    for (const backend of ['cpu', 'webgpu'] as const) {
      const [r] = await runOn(backend, run);
      r.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    }
  });
});
