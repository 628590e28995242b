/**
 * Test-only setup shared by the kernel tests: WebGPU in Node through Dawn on SwiftShader (a CPU
 * Vulkan device), the tfjs CPU backend as reference, seeded random tensors and an error check.
 * When Dawn cannot start (no libvulkan, no SwiftShader ICD) the tests fail with the reason;
 * they never skip, so a CI without Vulkan shows red rather than silently green.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { installNodeWebGPU } from '../../src/node/webgpu';
import { setAdapterClass } from '../../src/engine/kernels/program';
import { createRng, type Rng } from '../../src/engine/rng';

/**
 * Starts tfjs's WebGPU backend on Dawn: the driver VK_ICD_FILENAMES names, else SwiftShader
 * (src/node/webgpu.ts decides).
 */
export async function startWebGPU(): Promise<void> {
  const problem = await installNodeWebGPU();
  if (problem) {
    throw new Error(`WebGPU kernel tests need Dawn on Vulkan (apt-get install libvulkan1 chromium for SwiftShader): ${problem}`);
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the tfjs webgpu backend failed to initialise on Dawn');
  await tf.ready();
}

/** Seeded N(0, 1) values (never Math.random). */
export function randomValues(rng: Rng, n: number, scale = 1, offset = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = offset + scale * rng.normal();
  return out;
}

export { createRng };

/** Runs `f` on the named backend and returns its outputs' values; tensors are disposed. */
export async function runOn(backend: 'cpu' | 'webgpu', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = await Promise.all(list.map(async (t) => new Float32Array(await t.data())));
  tf.dispose(list);
  return values;
}

/** Largest violation of |a − b| ≤ atol + rtol·|b|, as a ratio (≤ 1 passes), and the max abs error. */
export function compare(a: Float32Array, b: Float32Array, atol: number, rtol: number): { worst: number; maxAbs: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let worst = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    if (!Number.isFinite(err)) return { worst: Infinity, maxAbs: Infinity };
    maxAbs = Math.max(maxAbs, err);
    worst = Math.max(worst, err / (atol + rtol * Math.abs(b[i])));
  }
  return { worst, maxAbs };
}

/**
 * For a suite that tests our kernels: starts WebGPU (Dawn) before the suite, restores the
 * adapter's default work split after it. The kernel set is each call's argument, not set here.
 */
export function useWebGPU(): void {
  beforeAll(startWebGPU);
  afterAll(() => setAdapterClass('auto'));
}
