/**
 * The loss scale, its clean-step count and the skipped-step count updated in place ('custom'
 * kernels on WebGPU), so a step that overflows or grows the scale gives none of them a new
 * buffer (a recorded step replays only onto the same buffers). The three scalar variables are
 * copied into a 3-float arena (only those assigned from outside since the arena last wrote them,
 * e.g. by a restored checkpoint: noticed by a new dataId), one dispatch updates it
 * (lossScalePrograms.ts), and each value is copied back into its variable's own buffer (arena.ts;
 * copies, not dispatches). The tf-op path this replaces is tricks/fp16.ts's, with the same numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { emptyArena, gather, scatter, type ArenaPart } from './arena';
import { LOSS_SCALE_SLOTS, LOSS_SCALE_STATE_SIZE, type LossScaleHyper } from './lossScalePrograms';
import type { WebGPUBackend } from './program';
import { LOSS_SCALE_KERNEL } from './registry';

/** The scalar float32 variables the update writes. */
export interface LossScaleVariables {
  scale: tf.Variable;
  clean: tf.Variable;
  skipped: tf.Variable;
}

export interface LossScaleArena {
  /** Whether it can run here now (the webgpu backend); else the caller takes the tf-op path. */
  usable(): boolean;
  /** After a step whose gradients were all finite or not (a bool scalar on the device): 1 dispatch. */
  update(finite: tf.Scalar): void;
  dispose(): void;
}

interface Live {
  backend: WebGPUBackend;
  state: tf.Tensor1D;
  /** Per slot, the dataId its variable had when the arena last wrote it. */
  ids: (object | null)[];
}

/** The arena for `vars` under `hyper` (allocated on the first update, on that update's backend). */
export function createLossScaleArena(vars: LossScaleVariables, hyper: LossScaleHyper): LossScaleArena {
  const parts: ArenaPart<tf.Variable>[] = (Object.keys(LOSS_SCALE_SLOTS) as (keyof LossScaleVariables)[]).map((k) => {
    if (vars[k].size !== 1 || vars[k].dtype !== 'float32') throw new Error(`loss scale arena: '${k}' must be a float32 scalar`);
    return { tensor: vars[k], offset: LOSS_SCALE_SLOTS[k] };
  });
  let live: Live | null = null;

  const release = () => {
    live?.state.dispose();
    live = null;
  };
  const current = (): Live => {
    const backend = tf.backend() as unknown as WebGPUBackend;
    if (live?.backend === backend) return live;
    release();
    // Kept: the first update may run inside the caller's tf.tidy.
    live = { backend, state: tf.keep(emptyArena(backend, LOSS_SCALE_STATE_SIZE)), ids: parts.map(() => null) };
    return live;
  };

  return {
    usable() {
      return tf.getBackend() === 'webgpu';
    },
    update(finite) {
      const a = current();
      gather(a.backend, a.state, parts.filter((p, i) => a.ids[i] !== p.tensor.dataId));
      // The kernel updates `state` in place and returns it under a second handle.
      tf.dispose(tf.engine().runKernel(LOSS_SCALE_KERNEL, { state: a.state, finite }, { ...hyper }) as tf.Tensor);
      scatter(a.backend, a.state, parts);
      a.ids = parts.map((p) => p.tensor.dataId);
    },
    dispose: release,
  };
}
