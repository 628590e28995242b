/**
 * Events the training loop emits, and the environment it reports. Plain data (structured-
 * cloneable), so they cross the worker boundary and go into the results JSON unchanged.
 */

/** The tfjs backend in use and the GPU adapter behind it. */
export interface BackendInfo {
  name: 'webgpu' | 'webgl' | 'cpu';
  /** Why a preferred backend was not used (e.g. 'navigator.gpu is missing'), or null. */
  fallbackReason: string | null;
  /**
   * The WebGPU adapter; `isFallbackAdapter` is the adapter's own word that it is a software
   * implementation (GPUAdapterInfo.isFallbackAdapter, or GPUAdapter.isFallbackAdapter in older
   * browsers); `shaderF16` whether it offers WGSL `f16` (gpuFeatures.ts: what real FP16 storage
   * would need; the FP16 trick is emulated either way). Both absent in results written before
   * they were recorded.
   */
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter?: boolean; shaderF16?: boolean } | null;
}

/** Every `logEvery` steps: the mean loss since the last event (one GPU read-back). */
export interface StepEvent {
  kind: 'step';
  epoch: number; // 1-based
  step: number; // global step, 1-based
  totalSteps: number;
  stepsPerEpoch: number;
  loss: number;
  lr: number;
  imagesPerSecond: number;
  elapsedSeconds: number;
  /**
   * How the latest step ran on the GPU, one line: "compiled: 218 dispatches, 36 pipelines in one
   * command buffer" or "op-by-op: <why>" (train/compiledStep.ts); absent for the other kernel sets.
   */
  stepPath?: string;
  /**
   * With the FP16 trick on, the precision the run really trains in, one line: "FP16 emulated:
   * values rounded to half precision, stored as fp32 (this GPU has no shader-f16)"
   * (tricks/fp16Precision.ts); absent when FP16 is off.
   */
  precision?: string;
}

/** After every epoch: training means and the held-out evaluation. */
export interface EpochMetrics {
  epoch: number; // 1-based
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valTop1: number;
  valTop5: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface EpochEvent extends EpochMetrics {
  kind: 'epoch';
  totalEpochs: number;
}

export type RunStatus = 'finished' | 'stopped' | 'diverged' | 'failed';

export type TrainEvent = StepEvent | EpochEvent;
