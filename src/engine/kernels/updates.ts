/**
 * Parameter updates the training step makes every step, as one call each whatever the backend:
 * SGD with (Nesterov) momentum and L2 weight decay as PyTorch's torch.optim.SGD, and BatchNorm
 * running averages. With the 'custom' kernel set on WebGPU they are 2 and 1 dispatches per tensor
 * (updatePrograms.ts), and a step's running averages together 1 (runningAverageUpdates, over a
 * flat arena; the optimiser's SGD arena is sgdArena.ts); elsewhere the same arithmetic in tf
 * ops. All assign the variables and leave no tensors behind.
 */
import * as tf from '@tensorflow/tfjs';
import { arenaFits, emptyArena, gather, scatter } from './arena';
import type { WebGPUBackend } from './program';
import { RUNNING_AVERAGE_ARENA_KERNEL, RUNNING_AVERAGE_KERNEL, SGD_KERNEL, usesCustomKernels, type KernelSet } from './registry';

/**
 * The update kernels index elements flatly; given 1-D views (a reshape is free on WebGPU: the
 * buffer is shared) every parameter, whatever its rank, uses the same pipeline — tfjs keys a
 * pipeline by its inputs' ranks, so conv filters, dense weights and vectors would need three.
 */
const flat = (t: tf.Tensor): tf.Tensor1D => tf.reshape(t, [t.size]);

export interface SgdStepOptions {
  /** Learning rate for this step. */
  lr: number;
  /** Momentum coefficient μ. */
  momentum: number;
  /** L2 coefficient added to the gradient (0 = none for this parameter). */
  weightDecay: number;
  nesterov: boolean;
  /** Bool scalar on the device: false keeps w and buf unchanged (a skipped step). */
  gate?: tf.Scalar;
  /** The run's kernel set: 'custom' runs ours on WebGPU, 'stock' tf ops. */
  kernels: KernelSet;
}

/**
 * One SGD step for one parameter: g' = g + wd·w; buf ← μ·buf + g'; w ← w − lr·(nesterov ?
 * g' + μ·buf : buf). Assigns `w` and `buf`.
 */
export function sgdMomentumUpdate(w: tf.Variable, buf: tf.Variable, g: tf.Tensor, options: SgdStepOptions): void {
  const { lr, momentum, weightDecay, nesterov, gate, kernels } = options;
  let next: tf.Tensor[];
  if (usesCustomKernels(kernels)) {
    next = tf.tidy(() => {
      const inputs: tf.NamedTensorMap = gate ? { w: flat(w), buf: flat(buf), g: flat(g), gate } : { w: flat(w), buf: flat(buf), g: flat(g) };
      const [nextW, nextBuf] = tf.engine().runKernel(SGD_KERNEL, inputs, { lr, momentum, weightDecay, nesterov }) as tf.Tensor[];
      return [tf.reshape(nextW, w.shape), tf.reshape(nextBuf, buf.shape)];
    });
  } else {
    next = tf.tidy(() => {
      const gd = weightDecay > 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
      const nextBuf = tf.add(tf.mul(buf, momentum), gd);
      const update = nesterov ? tf.add(gd, tf.mul(nextBuf, momentum)) : nextBuf;
      const nextW = tf.sub(w, tf.mul(update, lr));
      return gate ? [tf.where(gate, nextW, w), tf.where(gate, nextBuf, buf)] : [nextW, nextBuf];
    });
  }
  w.assign(next[0]);
  buf.assign(next[1]);
  tf.dispose(next);
}

/**
 * running ← (1 − momentum)·running + momentum·scale·stat (scale = R/(R − 1) for an unbiased
 * variance), with the run's kernel set.
 */
export function runningAverageUpdate(running: tf.Variable, stat: tf.Tensor, momentum: number, scale: number, kernels: KernelSet): void {
  const next = usesCustomKernels(kernels)
    ? (tf.engine().runKernel(RUNNING_AVERAGE_KERNEL, { running, stat }, { momentum, scale }) as tf.Tensor)
    : tf.tidy(() => tf.add(tf.mul(running, 1 - momentum), tf.mul(stat, momentum * scale)));
  running.assign(next);
  next.dispose();
}

/** One running statistic and the batch's value for it. */
export interface RunningAverageInput {
  running: tf.Variable;
  stat: tf.Tensor;
  /** Factor on the batch statistic (R/(R − 1) for an unbiased variance, else 1). */
  scale: number;
}

/**
 * runningAverageUpdate for many statistics with one momentum: with 'custom' on WebGPU one
 * dispatch for all of them (copied into a flat arena [running; stat] and back, arena.ts),
 * elsewhere one update each.
 */
export function runningAverageUpdates(inputs: readonly RunningAverageInput[], momentum: number, kernels: KernelSet): void {
  const m = inputs.reduce((s, u) => s + u.running.size, 0);
  const backend = tf.backend() as unknown as WebGPUBackend;
  if (!usesCustomKernels(kernels) || m === 0 || !arenaFits(backend, 2 * m)) {
    for (const u of inputs) runningAverageUpdate(u.running, u.stat, momentum, u.scale, kernels);
    return;
  }
  const offsets: number[] = [];
  const coef = new Float32Array(m);
  let at = 0;
  for (const u of inputs) {
    if (u.stat.size !== u.running.size) throw new Error(`running average: ${u.stat.size} batch values for ${u.running.size} running ones`);
    offsets.push(at);
    coef.fill(momentum * u.scale, at, at + u.running.size);
    at += u.running.size;
  }
  const state = emptyArena(backend, 2 * m);
  const coefT = tf.tensor1d(coef);
  gather(backend, state, inputs.flatMap((u, i) => [{ tensor: u.running, offset: offsets[i] }, { tensor: u.stat, offset: m + offsets[i] }]));
  tf.dispose(tf.engine().runKernel(RUNNING_AVERAGE_ARENA_KERNEL, { state, coef: coefT }, { momentum }) as tf.Tensor);
  scatter(backend, state, inputs.map((u, i) => ({ tensor: u.running, offset: offsets[i] })));
  tf.dispose([state, coefT]);
}
