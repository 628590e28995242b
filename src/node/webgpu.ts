/**
 * Node only: installs Dawn's WebGPU (npm package `webgpu`) as `navigator.gpu`, so the same
 * engine code finds WebGPU in Node as in a browser. Must run before the tfjs webgpu backend is
 * imported (it looks for navigator.gpu at import time). On a machine without a GPU, point
 * Vulkan at SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
 */
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Installs navigator.gpu from Dawn; returns null on success or the reason it is unavailable. */
export async function installNodeWebGPU(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD) && process.env.TRICKLAB_NO_SWIFTSHADER !== '1') {
    // No explicit driver: prefer a real GPU's loader config if present, else SwiftShader.
    const hasSystemIcd = existsSync('/usr/share/vulkan/icd.d') || existsSync('/etc/vulkan/icd.d');
    if (!hasSystemIcd) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'Dawn found no WebGPU adapter (no Vulkan driver?)';
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return null;
  } catch (err) {
    return `Dawn could not start: ${err instanceof Error ? err.message : String(err)}`;
  }
}
