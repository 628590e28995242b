/**
 * What the active backend's GPU can do beyond WebGPU's core, as far as the tricks care: today
 * only `shader-f16` (WGSL's `f16` type, https://www.w3.org/TR/webgpu/#shader-f16), which real
 * half-precision storage would need. tfjs 4.22 does not ask for it when it creates its device
 * (it asks for 'timestamp-query' and 'bgra8unorm-storage' only) and keeps no handle on its
 * adapter, so the device never has it: the feature is read from the device when it has it, else
 * from an adapter requested as tfjs requests its own (same power preference).
 */
import * as tf from '@tensorflow/tfjs';

/** The optional GPU features a run can use; all false off WebGPU. */
export interface GpuFeatures {
  /** The adapter (or device) offers WGSL `f16` (WebGPU feature 'shader-f16'). */
  shaderF16: boolean;
}

const NONE: GpuFeatures = { shaderF16: false };

interface FeatureHolder {
  features?: { has(name: string): boolean };
}

/** What the project reads of a GPU adapter (its features, and its info for the results). */
export interface AdapterLike extends FeatureHolder {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  /** Where browsers before GPUAdapterInfo.isFallbackAdapter (Chrome 136) put it. */
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<AdapterLike | null>;
}

/** Read once per device: a restarted backend (gpuDevice.ts) has a new device and is asked again. */
const byDevice = new WeakMap<object, GpuFeatures>();

/**
 * The adapter tfjs's WebGPU factory would choose (tfjs-backend-webgpu base.ts: its power
 * preference flag), or null. Needs '@tensorflow/tfjs-backend-webgpu' imported (its flags).
 */
export async function requestTfjsAdapter(): Promise<AdapterLike | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return null;
  const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  return gpu.requestAdapter({ powerPreference });
}

/**
 * The optional features of the active tfjs backend's GPU: `{ shaderF16: false }` on the CPU and
 * WebGL backends; on WebGPU, whether the device has 'shader-f16' or, as tfjs does not request
 * it, whether its adapter offers it (a request could then enable it).
 */
export async function activeGpuFeatures(): Promise<GpuFeatures> {
  if (tf.getBackend() !== 'webgpu') return NONE;
  const device = (tf.backend() as unknown as { device?: FeatureHolder & object }).device;
  if (!device) return NONE;
  const known = byDevice.get(device);
  if (known) return known;
  let shaderF16 = device.features?.has('shader-f16') ?? false;
  if (!shaderF16) {
    const adapter = await requestTfjsAdapter().catch(() => null);
    shaderF16 = adapter?.features?.has('shader-f16') ?? false;
  }
  const features = { shaderF16 };
  byDevice.set(device, features);
  return features;
}
