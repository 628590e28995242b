/**
 * Runs too big for the device: said before the first step where the sizes alone show it, and
 * recognised when an allocation fails during the run, always as one message that names the
 * setting to lower (the batch size first: activations, which dominate training memory, grow
 * with it linearly, as with the resolution squared and the width). WebGPU caps every buffer at
 * the device's maxStorageBufferBindingSize / maxBufferSize; tfjs 4.22 does not check, so a
 * larger activation would fail with a validation error and silent zeros instead of a message.
 */
import type { ExperimentConfig } from './config';
import { currentDevice } from './gpuDevice';
import { CIFAR_WIDTHS, scaledWidth } from './model/cifarResnet';
import { BOTTLENECK_EXPANSION, IMAGENET_WIDTHS } from './model/imagenetResnet';

/** Largest single tensor assumed possible where the backend states no limit (CPU, WebGL): 1 GiB. */
export const HOST_TENSOR_LIMIT_BYTES = 2 ** 30;

/** A run that does not fit the device; `field` is the config setting to lower. */
export class OutOfMemoryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

/** Bytes of the largest activation one training step makes (float32, NHWC), from the sizes alone. */
export function largestActivationBytes(config: ExperimentConfig): number {
  const { model } = config;
  const pixels = config.data.resolution ** 2;
  // Both families keep full resolution through their first stage (CIFAR-style stems).
  const channels =
    model.family === 'cifar-resnet'
      ? scaledWidth(CIFAR_WIDTHS[0], model.widthMultiplier)
      : scaledWidth(IMAGENET_WIDTHS[0], model.widthMultiplier) * (model.family === 'resnet50' ? BOTTLENECK_EXPANSION : 1);
  return 4 * config.optim.batchSize * pixels * channels;
}

/** The largest buffer the current backend can hold, bytes. */
export function deviceBufferLimit(): number {
  const limits = currentDevice()?.limits;
  if (!limits) return HOST_TENSOR_LIMIT_BYTES;
  const binding = limits.maxStorageBufferBindingSize ?? HOST_TENSOR_LIMIT_BYTES;
  return Math.min(binding, limits.maxBufferSize ?? binding);
}

const mib = (bytes: number): string => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`);

/** The sentence naming what to lower, with a batch size to try. */
function advice(config: ExperimentConfig, tryBatch: number): string {
  const batch = `lower the batch size (optim.batchSize, now ${config.optim.batchSize}; try ${Math.max(1, tryBatch)})`;
  return `${batch}, or the input resolution (data.resolution, now ${config.data.resolution}) or the width (model.widthMultiplier, now ${config.model.widthMultiplier})`;
}

/**
 * Throws OutOfMemoryError when one activation of a step would exceed the device's largest buffer
 * (`limit`, default: the current backend's).
 */
export function checkFitsDevice(config: ExperimentConfig, limit = deviceBufferLimit()): void {
  const need = largestActivationBytes(config);
  if (need <= limit) return;
  const fits = Math.floor(limit / (need / config.optim.batchSize));
  throw new OutOfMemoryError(
    'optim.batchSize',
    `Out of memory: a batch of ${config.optim.batchSize} images at ${config.data.resolution}×${config.data.resolution} needs a ${mib(need)} activation buffer, and this device allows ${mib(limit)} per buffer. To fit it, ${advice(config, fits)}.`,
  );
}

/** Messages of allocation failures across backends and browsers. */
const OOM_PATTERNS = [/out of memory/i, /array buffer allocation failed/i, /invalid typed array length/i, /invalid array buffer length/i, /allocation.*failed/i, /failed to (create|allocate).*(buffer|texture)/i, /CONTEXT_LOST/i];

/** Whether an error thrown by a run (or reported by the GPU) is a failed allocation. */
export function isOutOfMemory(err: unknown): boolean {
  if (err instanceof OutOfMemoryError) return true;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return OOM_PATTERNS.some((p) => p.test(message));
}

/** The OutOfMemoryError for a failed allocation during a run of `config` (its message names the setting). */
export function outOfMemoryDuringRun(config: ExperimentConfig, cause: string): OutOfMemoryError {
  return new OutOfMemoryError('optim.batchSize', `Out of memory during training (${cause}). To fit it, ${advice(config, Math.floor(config.optim.batchSize / 2))}.`);
}
