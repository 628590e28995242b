// The time said before Start on the single-run page, and which backends count as having no GPU.
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { estimateSingleRun, forwardMacs, isSoftwareBackend } from './estimate';

const sizes = { trainCount: 5000, testCount: 1000 };

describe('estimateSingleRun', () => {
  const config = makeConfig(); // ResNet-20 at 32×32, 30 epochs
  const macs = forwardMacs(config.model, 32);

  it('uses the stated default rate when nothing was measured: 30 × 5000 images at 400/s = 375 s', () => {
    const e = estimateSingleRun(config, sizes, [], 'webgpu');
    expect(e.seconds).toBeCloseTo(375, 9);
    expect(e.basis).toBe('default');
    expect(e.note).toBe('at an assumed 400 images/s (400 for ResNet-20 at 32×32 on a GPU); nothing measured on this device yet');
  });

  it("uses this device's runs of the same model on the same backend (median), ignoring other backends", () => {
    const samples = [
      { backend: 'webgpu', macs, imagesPerSecond: 40 },
      { backend: 'webgpu', macs, imagesPerSecond: 50 },
      { backend: 'webgpu', macs, imagesPerSecond: 90 },
      { backend: 'cpu', macs, imagesPerSecond: 2 },
    ];
    const e = estimateSingleRun(config, sizes, samples, 'webgpu');
    expect(e.seconds).toBeCloseTo(3000, 9); // 150,000 images at the median 50/s
    expect(e.note).toBe('at 50 images/s, measured by 3 earlier runs on this device');
    // A training limit and no test split: 10% held out of 5000, then the first 1000.
    const limited = makeConfig({ data: { trainLimit: 1000 }, run: { epochs: 2 } });
    expect(estimateSingleRun(limited, { trainCount: 5000, testCount: 0 }, samples, 'cpu').seconds).toBeCloseTo(1000, 9);
  });
});

describe('isSoftwareBackend', () => {
  it('is true for the CPU and software WebGPU adapters, false for a GPU', () => {
    expect(isSoftwareBackend({ name: 'cpu', adapter: null })).toBe(true);
    expect(isSoftwareBackend({ name: 'webgpu', adapter: { vendor: 'google', architecture: 'swiftshader', description: '' } })).toBe(true);
    expect(isSoftwareBackend({ name: 'webgpu', adapter: { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toBe(true);
    expect(isSoftwareBackend({ name: 'webgpu', adapter: { vendor: 'nvidia', architecture: 'ampere', description: '' } })).toBe(false);
    expect(isSoftwareBackend({ name: 'webgpu', adapter: { vendor: 'nvidia', architecture: 'ampere', description: '', isFallbackAdapter: false } })).toBe(false);
    // The adapter's own word wins over a name that says nothing (Chrome may blank the names).
    expect(isSoftwareBackend({ name: 'webgpu', adapter: { vendor: '', architecture: '', description: '', isFallbackAdapter: true } })).toBe(true);
    expect(isSoftwareBackend({ name: 'webgl', adapter: null })).toBe(false);
    expect(isSoftwareBackend(null)).toBe(false);
  });
});
