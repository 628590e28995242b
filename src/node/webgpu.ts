/**
 * Node only: installs Dawn's WebGPU (npm package `webgpu`) as `navigator.gpu`, so the same
 * engine code finds WebGPU in Node as in a browser. Must run before the tfjs webgpu backend is
 * imported (it looks for navigator.gpu at import time). On a machine without a GPU, point
 * Vulkan at SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { errorMessage } from '../engine/errorMessage';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

type Dawn = typeof import('webgpu');

async function firstAdapter(dawn: Dawn): Promise<GPU | null> {
  const gpu = dawn.create([]) as unknown as GPU;
  return (await gpu.requestAdapter()) ? gpu : null;
}

/**
 * Installs navigator.gpu from Dawn; returns null on success or the reason it is unavailable.
 * Tries the system's Vulkan drivers first, then SwiftShader (Debian's lavapipe is too old for
 * Dawn) unless VK_ICD_FILENAMES / VK_DRIVER_FILES already choose a driver.
 */
export async function installNodeWebGPU(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  // Vulkan's window-system probing complains on every adapter request without one.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    const chosen = Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES);
    // A real GPU's driver first; then SwiftShader, a CPU Vulkan device (Dawn rejects lavapipe).
    let gpu = await firstAdapter(dawn);
    if (!gpu && !chosen && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      gpu = await firstAdapter(dawn);
    }
    if (!gpu) return 'Dawn found no WebGPU adapter (is a Vulkan driver and libvulkan1 installed?)';
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return null;
  } catch (err) {
    return `Dawn could not start: ${errorMessage(err)}`;
  }
}
