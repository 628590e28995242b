/**
 * The WebGPU device behind tfjs, watched: a GPU can be lost at any time (a driver reset, a laptop
 * going to sleep, another tab taking the GPU down, or `device.destroy()`), and a device that ran
 * out of memory reports it as an uncaptured GPUOutOfMemoryError rather than an exception. tfjs
 * 4.22 watches neither, so a lost device would leave a run failing with an obscure error and the
 * backend dead. Here the worker learns of both, and `restartWebGPU` brings the backend back on a
 * fresh device (tfjs's own factory, re-registered) so a run can resume from its checkpoint.
 * The WebGPU spec: https://www.w3.org/TR/webgpu/#device-lost and #errors-and-debugging.
 */
import * as tf from '@tensorflow/tfjs';

/** Why a device was lost (GPUDeviceLostInfo as plain data). */
export interface DeviceLoss {
  /** 'destroyed' (by the page) or 'unknown' (driver reset, sleep, GPU removed…). */
  reason: string;
  message: string;
}

/** A watch on the current WebGPU device: its loss, and its out-of-memory errors. */
export interface DeviceWatch {
  /** Set once the device is lost. */
  readonly loss: DeviceLoss | null;
  /** Resolves when the device is lost (never, while it lives). */
  readonly lost: Promise<DeviceLoss>;
  /** The loss, waiting at most `ms` for it (a failed read-back may come just before it). */
  settle(ms: number): Promise<DeviceLoss | null>;
  /** Out-of-memory errors the device reported since the last call (messages), then clears them. */
  takeOutOfMemory(): string[];
  /** Stops listening (the device itself is left alone). */
  close(): void;
}

interface GpuErrorEventLike {
  error: { message: string; constructor: { name: string } };
}

interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number };
  destroy(): void;
  addEventListener?(type: 'uncapturederror', listener: (e: GpuErrorEventLike) => void): void;
  removeEventListener?(type: 'uncapturederror', listener: (e: GpuErrorEventLike) => void): void;
}

/** The WebGPU device tfjs is using, or null when the backend is not WebGPU. */
export function currentDevice(): GpuDeviceLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
  return device && typeof device.destroy === 'function' ? device : null;
}

/** Whether a GPU error event is an out-of-memory error (by class, or by message on older stacks). */
function isOutOfMemoryEvent(e: GpuErrorEventLike): boolean {
  return e.error.constructor.name === 'GPUOutOfMemoryError' || /out of memory/i.test(e.error.message);
}

/** Starts watching the current WebGPU device; null when the backend is not WebGPU. */
export function watchDevice(): DeviceWatch | null {
  const device = currentDevice();
  if (!device) return null;
  let loss: DeviceLoss | null = null;
  let outOfMemory: string[] = [];
  const lost = device.lost.then((info) => {
    loss = { reason: info.reason ?? 'unknown', message: info.message ?? '' };
    return loss;
  });
  const onError = (e: GpuErrorEventLike) => {
    if (isOutOfMemoryEvent(e)) outOfMemory.push(e.error.message);
  };
  device.addEventListener?.('uncapturederror', onError);
  return {
    get loss() {
      return loss;
    },
    lost,
    settle: (ms) => Promise.race([lost, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]).then(() => loss),
    takeOutOfMemory() {
      const taken = outOfMemory;
      outOfMemory = [];
      return taken;
    },
    close: () => device.removeEventListener?.('uncapturederror', onError),
  };
}

/**
 * Replaces a lost WebGPU backend with a fresh one on a new device: tfjs's registered factory is
 * kept, the dead backend removed (its buffers are released), the factory registered again and
 * the backend set, which requests a new adapter and device. Our kernels stay registered (they are
 * keyed by backend name). Throws when no device can be had.
 */
export async function restartWebGPU(): Promise<void> {
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) throw new Error('the tfjs WebGPU backend is not registered');
  try {
    tf.removeBackend('webgpu');
  } catch {
    // A backend that fails to dispose is gone all the same.
  }
  tf.registerBackend('webgpu', factory, 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error('no WebGPU device could be created');
  await tf.ready();
}

/** A human sentence for a lost device. */
export function describeLoss(loss: DeviceLoss): string {
  const why = loss.reason === 'destroyed' ? 'the device was destroyed' : 'the driver reset, the computer slept or the GPU went away';
  return `The GPU was lost (${why}${loss.message ? `: ${loss.message}` : ''})`;
}
