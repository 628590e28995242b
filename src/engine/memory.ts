/**
 * What a run holds in memory, sampled cheaply (no GPU sync): tfjs's live tensors and their
 * bytes, and on WebGPU the bytes of GPU buffers in use and allocated by the backend's buffer
 * pool (tfjs keeps freed buffers for reuse, so "allocated" is what the device really holds).
 * The long-run test asserts these stay flat; the worker reports them with lost-device errors.
 */
import * as tf from '@tensorflow/tfjs';

export interface MemorySample {
  numTensors: number;
  numBytes: number;
  /** WebGPU buffer bytes in use by tensors; null on other backends. */
  gpuBytesUsed: number | null;
  /** WebGPU buffer bytes held by the backend (in use + pooled for reuse); null on other backends. */
  gpuBytesAllocated: number | null;
}

interface WebGPUBufferManager {
  numBytesUsed: number;
  numBytesAllocated: number;
}

/** The WebGPU backend's buffer manager, or null (another backend, or an unexpected tfjs). */
function bufferManager(): WebGPUBufferManager | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const manager = (tf.backend() as unknown as { bufferManager?: Partial<WebGPUBufferManager> }).bufferManager;
  return typeof manager?.numBytesUsed === 'number' && typeof manager.numBytesAllocated === 'number' ? (manager as WebGPUBufferManager) : null;
}

/** A snapshot of the memory the current backend holds. */
export function sampleMemory(): MemorySample {
  const { numTensors, numBytes } = tf.memory();
  const gpu = bufferManager();
  return { numTensors, numBytes, gpuBytesUsed: gpu?.numBytesUsed ?? null, gpuBytesAllocated: gpu?.numBytesAllocated ?? null };
}
