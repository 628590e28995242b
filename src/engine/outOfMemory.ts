/**
 * Runs too big for the device: said before the first step where the sizes alone show it, and
 * recognised when an allocation fails during the run, always as one message that names the
 * setting to lower (the batch size first: activations, which dominate training memory, grow
 * with it linearly, as with the resolution squared and the width). Two limits are checked
 * before anything is allocated: the step's total (stepMemory.ts: activations kept for the
 * backward pass, weights, gradients, momentum, the input batch) against the memory the backend
 * may use, and its largest tensor against the largest buffer. WebGPU caps every buffer at the
 * device's maxStorageBufferBindingSize / maxBufferSize (tfjs 4.22 does not check, so a larger
 * tensor would fail with a validation error and silent zeros); neither it nor WebGL reports a
 * total, so there only a failed allocation during the run says so. On the CPU a step's tensors
 * live in the page's own memory, capped at HOST_MEMORY_BUDGET_BYTES.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './config';
import { currentDevice } from './gpuDevice';
import { estimateStepMemory, type StepMemory } from './stepMemory';

/** Largest single tensor assumed possible where the backend states no limit (CPU, WebGL): 1 GiB. */
export const HOST_TENSOR_LIMIT_BYTES = 2 ** 30;
/**
 * Most memory one step may take on the CPU backend: 4 GiB. Its tensors are typed arrays in the
 * page's own process, which also holds the page, the dataset and tfjs; past a few GiB the tab
 * grows until the browser kills it or the machine swaps (a run with a 1 GiB activation, about
 * 108 GiB a step, grew the browser to 13 GB before it stopped answering). Not 2 GiB: the default
 * recipe (ResNet-20, batch 128, 32×32) takes 2.1 GB a step on tfjs's CPU backend (tf.profile).
 */
export const HOST_MEMORY_BUDGET_BYTES = 4 * 2 ** 30;

/** What the backend allows: the largest buffer and, where known, the most a step may take in all. */
export interface MemoryLimits {
  buffer: number;
  /** null where the backend reports none (WebGPU). */
  total: number | null;
  /** Where the total applies, for the message: 'training on the CPU'. */
  where: string;
}

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
  return estimateStepMemory(config).largest;
}

/** The largest buffer the current backend can hold, bytes. */
export function deviceBufferLimit(): number {
  const limits = currentDevice()?.limits;
  if (!limits) return HOST_TENSOR_LIMIT_BYTES;
  const binding = limits.maxStorageBufferBindingSize ?? HOST_TENSOR_LIMIT_BYTES;
  return Math.min(binding, limits.maxBufferSize ?? binding);
}

/** The current backend's limits: its largest buffer, and on the CPU the host cap on a step's total. */
export function deviceMemoryLimits(): MemoryLimits {
  const cpu = tf.getBackend() === 'cpu';
  return { buffer: deviceBufferLimit(), total: cpu ? HOST_MEMORY_BUDGET_BYTES : null, where: 'training on the CPU' };
}

const mib = (bytes: number): string => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`);

/** The sentence naming what to lower, with a batch size to try. */
function advice(config: ExperimentConfig, tryBatch: number): string {
  const batch = `lower the batch size (optim.batchSize, now ${config.optim.batchSize}; try ${Math.max(1, tryBatch)})`;
  return `${batch}, or the input resolution (data.resolution, now ${config.data.resolution}) or the width (model.widthMultiplier, now ${config.model.widthMultiplier})`;
}

/** The largest batch whose step stays under `total` bytes (weights are fixed; the rest grows with the batch). */
function batchUnder(need: StepMemory, batch: number, total: number): number {
  const perImage = (need.input + need.activations) / batch;
  return Math.floor((total - need.weights - 1) / perImage);
}

/**
 * Throws OutOfMemoryError when one step of `config` would not fit `limits` (default: the current
 * backend's): its total at or over the budget (a step needing exactly the budget leaves nothing
 * for the page and the dataset), or its largest tensor over the largest buffer.
 */
export function checkFitsDevice(config: ExperimentConfig, limits: MemoryLimits = deviceMemoryLimits()): void {
  const need = estimateStepMemory(config);
  const batch = config.optim.batchSize;
  if (limits.total !== null && need.total >= limits.total) {
    const fits = batchUnder(need, batch, limits.total);
    if (fits < 1) {
      throw new OutOfMemoryError(
        'model.widthMultiplier',
        `Out of memory: the weights of this model alone need ${mib(need.weights)} with their gradients and momentum, and ${limits.where} is capped at ${mib(limits.total)}. To fit it, lower the width (model.widthMultiplier, now ${config.model.widthMultiplier}) or the depth (model.depth, now ${config.model.depth}).`,
      );
    }
    throw new OutOfMemoryError(
      'optim.batchSize',
      `Out of memory: one training step of a batch of ${batch} images at ${config.data.resolution}×${config.data.resolution} needs about ${mib(need.total)} (activations kept for the backward pass ${mib(need.activations)}, weights with gradients and momentum ${mib(need.weights)}, input ${mib(need.input)}), and ${limits.where} is capped at ${mib(limits.total)}. To fit it, ${advice(config, fits)}.`,
    );
  }
  if (need.largest <= limits.buffer) return;
  const fits = Math.floor(limits.buffer / (need.largest / batch));
  throw new OutOfMemoryError(
    'optim.batchSize',
    `Out of memory: a batch of ${batch} images at ${config.data.resolution}×${config.data.resolution} needs a ${mib(need.largest)} activation buffer, and this device allows ${mib(limits.buffer)} per buffer. To fit it, ${advice(config, fits)}.`,
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
