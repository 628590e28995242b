/**
 * SGD with (Nesterov) momentum for all parameters in one dispatch ('custom' kernels on WebGPU):
 * the weights and momentum buffers live in one flat arena, state = [w (N); buf (N)], laid out
 * with the decayed parameters first so that "no bias decay" is one boundary (decayEnd) instead
 * of a per-element mask. Per step: the gradients are copied into a flat arena g (N), one
 * program updates state in place, and each parameter's slice is copied back into its variable
 * (arena.ts; copies, not dispatches). Loss-scaled gradients (FP16) take one more dispatch, the
 * "all finite" check that gates the step, and are unscaled inside the update (about 3 tf-op
 * dispatches per parameter before). The variables stay the truth: the model, evaluation,
 * checkpoints and export read them as before, and a variable assigned from outside (a restored
 * checkpoint, another kernel set) is noticed by its new dataId and copied in again.
 * The arithmetic is arenaPrograms.ts's, the same as the per-parameter kernels and tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { arenaFits, emptyArena, gather, scatter, type ArenaPart } from './arena';
import type { WebGPUBackend } from './program';
import { ALL_FINITE_KERNEL, SGD_ARENA_KERNEL } from './registry';

/** One parameter as the arena holds it. */
export interface ArenaParam {
  weight: tf.Variable;
  /** Its momentum buffer (same shape), kept current after every step. */
  buffer: tf.Variable;
  /** Whether it gets weight decay (else 0). */
  decayed: boolean;
}

export interface ArenaSgdStep {
  lr: number;
  momentum: number;
  /** L2 coefficient for the decayed parameters. */
  weightDecay: number;
  nesterov: boolean;
  /** Bool scalar on the device: false keeps every weight and buffer (a skipped step). */
  gate?: tf.Scalar;
}

export interface SgdArena {
  /**
   * Whether the arena can run here now: the webgpu backend, and 2N floats within one storage
   * binding. When it cannot, the caller takes the per-parameter path.
   */
  usable(): boolean;
  /** One step; `grads` in the order of the params given to createSgdArena. */
  step(grads: readonly tf.Tensor[], options: ArenaSgdStep): void;
  /**
   * One step on loss-scaled gradients: each is divided by `scale` (a scalar on the device), and
   * the step is skipped (weights and momentum kept) unless every gradient is finite: 2
   * dispatches. Returns that flag, a bool scalar on the device (the caller disposes it).
   */
  stepScaled(grads: readonly tf.Tensor[], options: Omit<ArenaSgdStep, 'gate'>, scale: tf.Tensor): tf.Scalar;
  dispose(): void;
}

interface Live {
  backend: WebGPUBackend;
  state: tf.Tensor1D;
  grads: tf.Tensor1D;
  /** Per parameter, the dataIds its weight and buffer had when the arena last wrote them. */
  weightIds: (object | null)[];
  bufferIds: (object | null)[];
}

/** Builds the arena for `params` (allocated on the first step, on the backend of that step). */
export function createSgdArena(params: readonly ArenaParam[]): SgdArena {
  // Decayed parameters first: elements [0, decayEnd) get weight decay.
  const order = [...params.keys()].sort((a, b) => Number(params[b].decayed) - Number(params[a].decayed));
  const offsets = new Array<number>(params.length);
  let n = 0;
  for (const i of order) {
    offsets[i] = n;
    n += params[i].weight.size;
  }
  const decayEnd = params.reduce((s, p) => s + (p.decayed ? p.weight.size : 0), 0);
  let live: Live | null = null;

  const release = () => {
    if (live) tf.dispose([live.state, live.grads]);
    live = null;
  };
  const current = (): Live => {
    const backend = tf.backend() as unknown as WebGPUBackend;
    if (live?.backend === backend) return live;
    release();
    // Kept: the first step may run inside the caller's tf.tidy.
    live = {
      backend,
      state: tf.keep(emptyArena(backend, 2 * n)),
      grads: tf.keep(emptyArena(backend, n)),
      weightIds: params.map(() => null),
      bufferIds: params.map(() => null),
    };
    return live;
  };

  const run = (grads: readonly tf.Tensor[], options: ArenaSgdStep, scale?: tf.Tensor): tf.Scalar | null => {
    if (grads.length !== params.length) throw new Error(`sgd arena: ${grads.length} gradients for ${params.length} parameters`);
    grads.forEach((g, i) => {
      if (g.size !== params[i].weight.size) throw new Error(`sgd arena: gradient ${i} has ${g.size} values, its parameter ${params[i].weight.size}`);
    });
    const a = current();
    // Copy in what changed outside the arena since it last wrote (everything, the first time).
    const inWeights: ArenaPart[] = params.flatMap((p, i) => (a.weightIds[i] !== p.weight.dataId ? [{ tensor: p.weight, offset: offsets[i] }] : []));
    const inBuffers: ArenaPart[] = params.flatMap((p, i) => (a.bufferIds[i] !== p.buffer.dataId ? [{ tensor: p.buffer, offset: n + offsets[i] }] : []));
    gather(a.backend, a.state, [...inWeights, ...inBuffers]);
    gather(a.backend, a.grads, grads.map((g, i) => ({ tensor: g, offset: offsets[i] })));
    const { lr, momentum, weightDecay, nesterov } = options;
    let { gate } = options;
    let finite: tf.Scalar | null = null;
    if (scale) {
      // Finite before unscaling iff after: 1/scale ≤ 1 (the scale is at least 1) overflows nothing.
      const flag = tf.engine().runKernel(ALL_FINITE_KERNEL, { x: a.grads }) as tf.Tensor;
      finite = tf.reshape(flag, []);
      flag.dispose();
      gate = finite;
    }
    const inputs: tf.NamedTensorMap = { state: a.state, g: a.grads, ...(gate ? { gate } : {}), ...(scale ? { scale } : {}) };
    // The kernel updates `state` in place and returns it under a second handle.
    tf.dispose(tf.engine().runKernel(SGD_ARENA_KERNEL, inputs, { lr, momentum, weightDecay, nesterov, decayEnd }) as tf.Tensor);
    scatter(a.backend, a.state, [
      ...params.map((p, i) => ({ tensor: p.weight, offset: offsets[i] })),
      ...params.map((p, i) => ({ tensor: p.buffer, offset: n + offsets[i] })),
    ]);
    a.weightIds = params.map((p) => p.weight.dataId);
    a.bufferIds = params.map((p) => p.buffer.dataId);
    return finite;
  };

  return {
    usable() {
      return tf.getBackend() === 'webgpu' && n > 0 && arenaFits(tf.backend() as unknown as WebGPUBackend, 2 * n);
    },
    step(grads, options) {
      run(grads, options);
    },
    stepScaled(grads, options, scale) {
      const finite = run(grads, options, scale);
      if (!finite) throw new Error('sgd arena: no finiteness flag');
      return finite;
    },
    dispose: release,
  };
}
