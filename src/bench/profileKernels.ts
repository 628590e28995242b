/** The bench's per-kernel GPU times of one step (tf.profile), summed by registered kernel name. */
import * as tf from '@tensorflow/tfjs';

export interface KernelTime {
  /** Registered kernel name (Conv2DBackpropFilter, TrickLabBatchNormGrad, …). */
  name: string;
  calls: number;
  /** GPU time in one step, milliseconds (0 when the adapter has no timestamps). */
  ms: number;
}

/** Sums tf.profile's kernel records by registered kernel name (scopes such as customGrad excluded). */
export async function profileKernels(f: () => void): Promise<KernelTime[]> {
  const info = await tf.profile(f);
  const byName = new Map<string, KernelTime>();
  const backendName = tf.getBackend();
  for (const k of info.kernels) {
    if (!tf.getKernel(k.name, backendName)) continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byName.set(k.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms || b.calls - a.calls);
}

