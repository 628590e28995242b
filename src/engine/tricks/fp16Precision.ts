/**
 * What precision the FP16 trick really trains in, said in one line for the run's progress
 * (StepEvent.precision). Real half precision (f16 storage of activations and gradients, as
 * Micikevicius et al. 2018 and He et al. 2019 §3.2 train) needs WGSL's `f16` (the WebGPU
 * feature 'shader-f16') and f16 kernels for every layer; tfjs has no float16 tensors and its
 * convolutions are its own fp32 kernels, so every backend emulates it (fp16.ts): values are
 * rounded to half and stored in fp32, which shows FP16's effect on accuracy but is slower than
 * plain fp32, not faster. The line says so and whether this GPU could run real f16 kernels.
 */
import type { BackendInfo } from '../events';
import type { GpuFeatures } from '../gpuFeatures';

/** The backends' names as a student knows them. */
const BACKEND_LABEL: Partial<Record<string, string>> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' } satisfies Record<BackendInfo['name'], string>;

/**
 * The precision note of a run with FP16 on, e.g. "FP16 emulated: values rounded to half
 * precision, stored as fp32 (this GPU has no shader-f16)". `backend` is the active tfjs backend
 * (tf.getBackend()).
 */
export function fp16PrecisionNote(backend: string, features: GpuFeatures): string {
  const why =
    backend !== 'webgpu'
      ? `the ${BACKEND_LABEL[backend] ?? backend} backend has no half-precision storage`
      : features.shaderF16
        ? 'this GPU has shader-f16, but real f16 kernels are not built yet'
        : 'this GPU has no shader-f16';
  return `FP16 emulated: values rounded to half precision, stored as fp32 (${why})`;
}
