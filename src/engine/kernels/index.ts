/**
 * Our WebGPU training kernels for tfjs: a split-K implicit-GEMM Conv2DBackpropFilter
 * that replaces the stock kernel through tfjs's kernel registry, a fused BatchNorm (+ ReLU) with
 * a closed-form gradient, and one-pass SGD-momentum and running-average updates. The model and
 * optimiser call `fusedBatchNorm`, `sgdMomentumUpdate` and `runningAverageUpdate` (each falls
 * back to tf ops off WebGPU or when the kernels are off); the runner calls
 * `setCustomKernels(config.run.kernels === 'custom')` after initBackend.
 */
export { setCustomKernels, customKernelsEnabled, customKernelNames, BN_STATS_KERNEL, BN_APPLY_KERNEL, BN_GRAD_KERNEL, SGD_KERNEL, RUNNING_AVERAGE_KERNEL } from './registry';
export { fusedBatchNorm, batchNormFn, usesFusedKernels, type FusedBatchNormOptions, type FusedBatchNormResult } from './fusedBatchNorm';
export { planSplitK, type SplitKPlan } from './conv2dBackpropFilter';
export { sgdMomentumUpdate, runningAverageUpdate, type SgdStepOptions } from './updates';
