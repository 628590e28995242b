/**
 * Picks the tfjs backend: WebGPU first, then WebGL, then CPU, recording why each preferred one
 * was skipped, and reports the GPU adapter (vendor, architecture, description, whether it is a
 * software one, whether it offers shader-f16). The WebGPU backend module is imported lazily
 * because it probes navigator.gpu when imported; in Node the caller installs Dawn first
 * (src/node/webgpu.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from './events';
import type { BackendName } from './config';
import { errorMessage } from './errorMessage';
import { activeGpuFeatures, requestTfjsAdapter } from './gpuFeatures';

const ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

function navigatorGpu(): object | undefined {
  return (globalThis as { navigator?: { gpu?: object } }).navigator?.gpu;
}

let lastAdapter: BackendInfo['adapter'] = null;

async function tryWebGPU(): Promise<string | null> {
  if (!navigatorGpu()) return 'WebGPU is not available (navigator.gpu is missing)';
  // Imported before the adapter is asked for: its flags (the power preference) say which adapter
  // tfjs's own factory will take, and the adapter recorded with the results must be that one.
  await import('@tensorflow/tfjs-backend-webgpu');
  const adapter = await requestTfjsAdapter();
  if (!adapter) return 'WebGPU is present but no GPU adapter was found';
  const info = adapter.info ?? {};
  lastAdapter = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
  const ok = await tf.setBackend('webgpu');
  return ok ? null : 'the tfjs WebGPU backend failed to initialise';
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'webgpu') return await tryWebGPU();
    if (name === 'webgl' && typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined' && typeof (globalThis as { document?: unknown }).document === 'undefined') {
      return 'WebGL needs a canvas (none in this environment)';
    }
    const ok = await tf.setBackend(name);
    return ok ? null : `the tfjs ${name} backend failed to initialise`;
  } catch (err) {
    return errorMessage(err);
  }
}

/**
 * Initialises the first backend that works, starting at `preference` ('auto' = webgpu).
 * Returns what was chosen and, when it is not the preferred one, why.
 */
export async function initBackend(preference: 'auto' | BackendName = 'auto'): Promise<BackendInfo> {
  const start = preference === 'auto' ? 0 : ORDER.indexOf(preference);
  const reasons: string[] = [];
  for (const name of ORDER.slice(start)) {
    const problem = await tryBackend(name);
    if (problem === null) {
      await tf.ready();
      // Recorded with the adapter (and so in every result): FP16 says the same in its progress.
      const adapter = name === 'webgpu' && lastAdapter ? { ...lastAdapter, shaderF16: (await activeGpuFeatures()).shaderF16 } : null;
      return { name, fallbackReason: reasons.length ? reasons.join('; ') : null, adapter };
    }
    reasons.push(`${name}: ${problem}`);
  }
  throw new Error(`No tfjs backend could start: ${reasons.join('; ')}`);
}
