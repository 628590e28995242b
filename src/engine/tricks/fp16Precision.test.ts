// The FP16 precision note: what each backend and each shader-f16 state makes it say.
import { describe, expect, it } from 'vitest';
import { fp16PrecisionNote } from './fp16Precision';

describe('fp16PrecisionNote', () => {
  it('on WebGPU without shader-f16: emulated, and the GPU lacks the feature', () => {
    expect(fp16PrecisionNote('webgpu', { shaderF16: false })).toBe('FP16 emulated: values rounded to half precision, stored as fp32 (this GPU has no shader-f16)');
  });

  it('on WebGPU with shader-f16: still emulated, since real f16 kernels are not built', () => {
    expect(fp16PrecisionNote('webgpu', { shaderF16: true })).toBe(
      'FP16 emulated: values rounded to half precision, stored as fp32 (this GPU has shader-f16, but real f16 kernels are not built yet)',
    );
  });

  it('off WebGPU: names the backend, whatever the features say', () => {
    expect(fp16PrecisionNote('cpu', { shaderF16: false })).toBe('FP16 emulated: values rounded to half precision, stored as fp32 (the CPU backend has no half-precision storage)');
    expect(fp16PrecisionNote('webgl', { shaderF16: true })).toBe('FP16 emulated: values rounded to half precision, stored as fp32 (the WebGL backend has no half-precision storage)');
  });
});
