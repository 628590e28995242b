/**
 * The fused loss head (crossEntropyPrograms.ts) on WebGPU (Dawn + SwiftShader) against the tf-op
 * version on tfjs's CPU backend: the mean soft-target cross-entropy, its gradient for the logits
 * under an upstream factor, and the correct count, for one-hot, smoothed, mixed (rows not summing
 * to 1) and random soft targets, 10 and 100 classes, more rows than the reduction has threads,
 * large logits, and ties (the first index wins, as tf.argMax); the loss and count in one
 * dispatch give the same numbers as the two apart.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countCorrect, crossEntropyAndCorrect, softCrossEntropy } from '../train/losses';
import { COUNT_CORRECT_KERNEL, CROSS_ENTROPY_AND_CORRECT_KERNEL, CROSS_ENTROPY_GRAD_KERNEL, CROSS_ENTROPY_KERNEL, type KernelSet } from './registry';
import { compare, createRng, randomValues, runOn, useWebGPU } from '../../../test/support/testEnv';

type Rng = ReturnType<typeof createRng>;

interface Case {
  name: string;
  N: number;
  K: number;
  logitScale: number;
  targets: (rng: Rng, N: number, K: number) => Float32Array;
}

/** Row r's class, spread over all K. */
const labelOf = (r: number, K: number) => (r * 7 + 3) % K;

function oneHot(_rng: Rng, N: number, K: number, on = 1, off = 0): Float32Array {
  const t = new Float32Array(N * K).fill(off);
  for (let r = 0; r < N; r++) t[r * K + labelOf(r, K)] = on;
  return t;
}

const CASES: Case[] = [
  { name: 'one-hot, 10 classes, 37 rows', N: 37, K: 10, logitScale: 2, targets: (rng, N, K) => oneHot(rng, N, K) },
  { name: 'label smoothing 0.1, 100 classes, 128 rows', N: 128, K: 100, logitScale: 3, targets: (rng, N, K) => oneHot(rng, N, K, 0.9, 0.1 / (K - 1)) },
  {
    name: 'random soft targets, 300 rows (> 256 threads)',
    N: 300,
    K: 10,
    logitScale: 1,
    targets: (rng, N, K) => {
      const t = randomValues(rng, N * K).map(Math.abs);
      for (let r = 0; r < N; r++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += t[r * K + k];
        for (let k = 0; k < K; k++) t[r * K + k] /= s;
      }
      return t;
    },
  },
  { name: 'rows summing to 0.7 (a general weighting)', N: 16, K: 10, logitScale: 1, targets: (rng, N, K) => oneHot(rng, N, K, 0.7) },
  { name: 'large logits (|z| ≈ 60)', N: 20, K: 10, logitScale: 30, targets: (rng, N, K) => oneHot(rng, N, K) },
];

useWebGPU();

/** Loss, ∂(3·loss)/∂logits and the correct count with one kernel set. */
function lossHead(logits: Float32Array, targets: Float32Array, N: number, K: number, kernels: KernelSet): tf.Tensor[] {
  const z = tf.tensor2d(logits, [N, K]);
  const t = tf.tensor2d(targets, [N, K]);
  const loss = softCrossEntropy(z, t, kernels);
  const grad = tf.grad((x: tf.Tensor) => tf.mul(softCrossEntropy(x as tf.Tensor2D, t, kernels), 3))(z);
  return [loss, grad, countCorrect(z, t, kernels)];
}

/** The same three from the one-dispatch loss and count (its loss differentiated). */
function lossAndCount(logits: Float32Array, targets: Float32Array, N: number, K: number, kernels: KernelSet): tf.Tensor[] {
  const z = tf.tensor2d(logits, [N, K]);
  const t = tf.tensor2d(targets, [N, K]);
  const { loss, correct } = crossEntropyAndCorrect(z, t, kernels);
  const grad = tf.grad((x: tf.Tensor) => tf.mul(crossEntropyAndCorrect(x as tf.Tensor2D, t, kernels).loss, 3))(z);
  return [loss, grad, correct];
}

describe('fused cross-entropy, gradient and correct count', () => {
  const rng = createRng(11);
  for (const c of CASES) {
    it(`${c.name}: match tf ops`, async () => {
      const logits = randomValues(rng, c.N * c.K, c.logitScale);
      const targets = c.targets(rng, c.N, c.K);
      const [cpuLoss, cpuGrad, cpuCorrect] = await runOn('cpu', () => lossHead(logits, targets, c.N, c.K, 'custom'));
      const [gpuLoss, gpuGrad, gpuCorrect] = await runOn('webgpu', () => lossHead(logits, targets, c.N, c.K, 'custom'));
      expect(compare(gpuLoss, cpuLoss, 1e-6, 1e-5).worst).toBeLessThanOrEqual(1);
      expect(compare(gpuGrad, cpuGrad, 1e-7, 1e-4).worst).toBeLessThanOrEqual(1);
      expect(gpuCorrect[0]).toBe(cpuCorrect[0]);
      expect(Number.isFinite(gpuLoss[0])).toBe(true);
      // The loss and the count in one dispatch: the same numbers as the two apart, bit for bit
      // (the same sums in the same order), and its loss's gradient is the loss's.
      const [bothLoss, bothGrad, bothCorrect] = await runOn('webgpu', () => lossAndCount(logits, targets, c.N, c.K, 'custom'));
      expect(bothLoss).toEqual(gpuLoss);
      expect(bothCorrect).toEqual(gpuCorrect);
      expect(bothGrad).toEqual(gpuGrad);
    });
  }

  it('takes int32 one-hot targets (plain labels) as the tf-op version does', async () => {
    const logits = randomValues(rng, 12 * 10);
    const labels = Int32Array.from({ length: 12 }, (_, r) => labelOf(r, 10));
    const head = (kernels: KernelSet) => () => {
      const z = tf.tensor2d(logits, [12, 10]);
      const t = tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D;
      expect(t.dtype).toBe('int32');
      return [softCrossEntropy(z, t, kernels), tf.grad((x: tf.Tensor) => softCrossEntropy(x as tf.Tensor2D, t, kernels))(z), countCorrect(z, t, kernels)];
    };
    const cpu = await runOn('cpu', head('stock'));
    const gpu = await runOn('webgpu', head('custom'));
    for (let i = 0; i < 3; i++) expect(compare(gpu[i], cpu[i], 1e-6, 1e-5).worst).toBeLessThanOrEqual(1);
  });

  it('counts ties as tf.argMax does (the first index), in logits and in targets', async () => {
    const logits = new Float32Array([1, 3, 3, 0, /* tie → 1 */ 5, 5, 0, 0 /* → 0 */, 0, 0, 0, 0 /* → 0 */]);
    const targets = new Float32Array([0, 0.5, 0.5, 0 /* → 1 */, 0, 1, 0, 0 /* → 1 */, 0.25, 0.25, 0.25, 0.25 /* → 0 */]);
    const count = (kernels: KernelSet) => () => countCorrect(tf.tensor2d(logits, [3, 4]), tf.tensor2d(targets, [3, 4]), kernels);
    const [cpu] = await runOn('cpu', count('stock'));
    const [gpu] = await runOn('webgpu', count('custom'));
    expect(cpu[0]).toBe(2);
    expect(gpu[0]).toBe(2);
  });

  it("runs as three kernels of ours with the 'custom' set, none with 'stock'", async () => {
    await tf.setBackend('webgpu');
    const logits = randomValues(rng, 8 * 10);
    const targets = oneHot(rng, 8, 10);
    const names = async (kernels: KernelSet) => {
      const info = await tf.profile(() => tf.tidy(() => lossHead(logits, targets, 8, 10, kernels)));
      tf.dispose(info.result as tf.Tensor[]);
      return info.kernelNames;
    };
    const custom = await names('custom');
    expect(custom).toEqual(expect.arrayContaining([CROSS_ENTROPY_KERNEL, CROSS_ENTROPY_GRAD_KERNEL, COUNT_CORRECT_KERNEL]));
    expect(custom).not.toContain('LogSoftmax');
    const stock = await names('stock');
    expect(stock.filter((n) => n.startsWith('TrickLab'))).toEqual([]);
    const both = await tf.profile(() => tf.tidy(() => lossAndCount(logits, targets, 8, 10, 'custom')));
    tf.dispose(both.result as tf.Tensor[]);
    expect([...new Set(both.kernelNames.filter((n) => n.startsWith('TrickLab')))].sort()).toEqual([CROSS_ENTROPY_AND_CORRECT_KERNEL, CROSS_ENTROPY_GRAD_KERNEL]);
  });
});
