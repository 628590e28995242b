/**
 * Our WebGPU training kernels for tfjs, registered under their own names (registry.ts): a
 * split-K implicit-GEMM filter gradient for the convolution and a phase-split implicit-GEMM input
 * gradient, a fused BatchNorm (+ ReLU) with a
 * closed-form gradient, and one-pass SGD-momentum and running-average updates (per tensor, or one
 * dispatch for all of a step's tensors over a flat arena). The model and
 * optimiser call `conv2d`, `fusedBatchNorm`, `sgdMomentumUpdate` and `runningAverageUpdate` with
 * the run's kernel set (config.run.kernels); each uses tfjs's stock kernels or tf ops off WebGPU
 * or with 'stock'.
 */
export { customKernelNames, usesCustomKernels, type KernelSet, CONV2D_KERNEL, CONV_FILTER_GRAD_KERNEL, CONV_INPUT_GRAD_KERNEL, BN_APPLY_KERNEL, BN_GRAD_KERNEL, SGD_KERNEL, RUNNING_AVERAGE_KERNEL, SGD_ARENA_KERNEL, RUNNING_AVERAGE_ARENA_KERNEL, ALL_FINITE_KERNEL, LOSS_SCALE_KERNEL } from './registry';
export { conv2d, type ConvPadding } from './conv2d';
export { poolDense } from './poolDense';
export { zeroPadShortcut } from './zeroPadShortcut';
export { fusedBatchNorm, type FusedBatchNormOptions, type FusedBatchNormResult } from './fusedBatchNorm';
export { planSplitK, type SplitKPlan } from './conv2dBackpropFilter';
export { sgdMomentumUpdate, runningAverageUpdate, runningAverageUpdates, type RunningAverageInput, type SgdStepOptions } from './updates';
export { createSgdArena, type ArenaParam, type ArenaSgdStep, type SgdArena } from './sgdArena';
export { createLossScaleArena, type LossScaleArena, type LossScaleVariables } from './lossScaleArena';
