/**
 * Creates the WebGPU pipelines a computation needs before it first runs, asynchronously, so
 * shader compilation happens apart from (and before) the first real step, with progress.
 *
 * tfjs's WebGPU backend has a compile-only mode (flag WEBGPU_ENGINE_COMPILE_ONLY): every program
 * a kernel would run is compiled with `device.createComputePipelineAsync` into the backend's
 * pipeline cache (keyed by shader), and nothing is dispatched. The traced computation therefore
 * produces tensors whose buffers were never written — run it on throwaway tensors of the real
 * shapes (a model built from the same config), never on the run's own weights. Afterwards the
 * real step finds every pipeline in the cache and compiles nothing.
 */
import * as tf from '@tensorflow/tfjs';

const COMPILE_ONLY = 'WEBGPU_ENGINE_COMPILE_ONLY';

interface PipelineCacheOwner {
  device: GPUDevice;
  pipelineCache: Record<string, unknown>;
  checkCompileCompletionAsync(): Promise<void>;
}

export interface PrecompileResult {
  /** Pipelines created by this call (those already cached are not counted). */
  created: number;
  /** Wall-clock milliseconds from the start of the trace until the last pipeline was ready. */
  ms: number;
}

function webgpuBackend(): PipelineCacheOwner | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const backend = tf.backend() as unknown as Partial<PipelineCacheOwner>;
  if (typeof backend.checkCompileCompletionAsync !== 'function' || typeof backend.pipelineCache !== 'object') return null;
  return backend as PipelineCacheOwner;
}

/**
 * Traces `trace` in compile-only mode and waits for its pipelines, and for those `also` starts
 * outside tfjs (our own, made on the device directly); `onProgress(k, n)` reports each pipeline
 * as it becomes ready (n known once the trace has run). Off WebGPU it does nothing
 * and returns zero. `trace` must dispose what it creates; its outputs hold no values. When the
 * trace throws, the pipelines it had started are still awaited, then the error is rethrown.
 */
export async function precompile(trace: () => void, onProgress?: (done: number, total: number) => void, also: (device: GPUDevice) => Promise<void>[] = () => []): Promise<PrecompileResult> {
  const backend = webgpuBackend();
  if (!backend) return { created: 0, ms: 0 };
  const start = performance.now();
  const before = new Set(Object.keys(backend.pipelineCache));
  const wasCompileOnly = tf.env().getBool(COMPILE_ONLY);
  tf.env().set(COMPILE_ONLY, true);
  let failure: { error: unknown } | null = null;
  try {
    trace();
  } catch (error) {
    failure = { error };
  } finally {
    tf.env().set(COMPILE_ONLY, wasCompileOnly);
  }
  const pending = [...Object.entries(backend.pipelineCache).filter(([key]) => !before.has(key)).map(([, p]) => p), ...also(backend.device)];
  let done = 0;
  onProgress?.(0, pending.length);
  await Promise.all(
    pending.map(async (p) => {
      await p;
      onProgress?.(++done, pending.length);
    }),
  );
  // Replaces the cached promises by the pipelines (the backend refuses to dispatch a promise).
  await backend.checkCompileCompletionAsync();
  // Thrown only now: what the trace did compile is in the cache, resolved, and usable.
  if (failure) throw failure.error;
  return { created: pending.length, ms: performance.now() - start };
}
