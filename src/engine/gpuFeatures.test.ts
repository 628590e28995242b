/**
 * gpuFeatures on Dawn in Node: the active backend's shader-f16 is the adapter's own word (asked
 * here directly of navigator.gpu, as tfjs asks for its adapter), false off WebGPU and on
 * SwiftShader, the same each call, asked again on a new device (then of an adapter that offers
 * it), and recorded by initBackend in the adapter it reports, itself asked for as tfjs asks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { activeGpuFeatures } from './gpuFeatures';
import { initBackend } from './backend';
import { restartWebGPU } from './gpuDevice';
import { useWebGPU } from '../../test/support/testEnv';

useWebGPU();
afterAll(() => tf.setBackend('webgpu'));

/** What the adapter tfjs would take says of itself: its shader-f16 and whether it is SwiftShader. */
async function adapterSays(): Promise<{ shaderF16: boolean; swiftShader: boolean }> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn gave no adapter');
  return { shaderF16: adapter.features.has('shader-f16'), swiftShader: /swiftshader/i.test(`${adapter.info.architecture} ${adapter.info.description}`) };
}

describe('activeGpuFeatures', () => {
  it("on WebGPU is the adapter's shader-f16, which tfjs leaves off its device", async () => {
    await tf.setBackend('webgpu');
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    expect(device.features.has('shader-f16')).toBe(false); // tfjs 4.22 does not request it
    const expected = await adapterSays();
    expect(await activeGpuFeatures()).toEqual({ shaderF16: expected.shaderF16 });
    expect(await activeGpuFeatures()).toEqual({ shaderF16: expected.shaderF16 });
    // SwiftShader, the test machine's Vulkan device, has no f16 in its shaders.
    if (expected.swiftShader) expect(expected.shaderF16).toBe(false);
  });

  it('is all false on the CPU backend', async () => {
    await tf.setBackend('cpu');
    expect(await activeGpuFeatures()).toEqual({ shaderF16: false });
  });

  it('is recorded by initBackend with the WebGPU adapter, and absent off WebGPU', async () => {
    const expected = await adapterSays();
    const webgpu = await initBackend('webgpu');
    expect(webgpu.name).toBe('webgpu');
    expect(webgpu.adapter?.shaderF16).toBe(expected.shaderF16);
    const cpu = await initBackend('cpu');
    expect(cpu).toEqual({ name: 'cpu', fallbackReason: null, adapter: null });
  });

  it("has initBackend record the adapter tfjs takes (asked with tfjs's power preference)", async () => {
    const gpu = navigator.gpu;
    const asked: unknown[] = [];
    const recording = {
      requestAdapter: (options?: GPURequestAdapterOptions) => {
        asked.push(options);
        return gpu.requestAdapter(options);
      },
    };
    Object.defineProperty(navigator, 'gpu', { value: recording, configurable: true });
    try {
      const info = await initBackend('webgpu');
      expect(info.name).toBe('webgpu');
      expect(asked[0]).toEqual({ powerPreference: 'high-performance' });
    } finally {
      Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
    }
  });

  // Last: the new device keeps the faked answer.
  it('asks again on a new device: true where the adapter tfjs would take offers shader-f16', async () => {
    await restartWebGPU();
    const gpu = navigator.gpu;
    const asked: unknown[] = [];
    // An adapter that offers shader-f16, as a real GPU's does (SwiftShader's does not).
    const offering = {
      requestAdapter: async (options: unknown) => {
        asked.push(options);
        return { features: new Set(['shader-f16']) };
      },
    };
    Object.defineProperty(navigator, 'gpu', { value: offering, configurable: true });
    try {
      expect(await activeGpuFeatures()).toEqual({ shaderF16: true });
      expect(asked).toEqual([{ powerPreference: 'high-performance' }]);
    } finally {
      Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
    }
  });
});
