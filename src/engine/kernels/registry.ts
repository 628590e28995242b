/**
 * Switches tfjs's 'webgpu' backend between its stock kernels and ours, through tfjs's kernel
 * registry (no fork of tfjs): for each kernel we replace, the stock KernelConfig is saved from
 * `tf.getKernel` before ours is registered, and restored by `setCustomKernels(false)`. Our
 * BatchNorm kernels, which have no stock counterpart, are registered under their own names
 * while enabled, so `tf.profile` lists them like any other kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { backend_util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import { batchNormApply, batchNormGrad, batchNormStats } from './batchNormPrograms';
import { conv2dBackpropFilterGemm, supportsFilterGrad } from './conv2dBackpropFilter';
import { runningAverageStep, sgdMomentumStep } from './updatePrograms';
import type { WebGPUBackend } from './program';

const BACKEND = 'webgpu';

/** Names of our BatchNorm kernels (inputs and attrs are documented on each config below). */
export const BN_STATS_KERNEL = 'TrickLabBatchNormStats';
export const BN_APPLY_KERNEL = 'TrickLabBatchNormApply';
export const BN_GRAD_KERNEL = 'TrickLabBatchNormGrad';
export const SGD_KERNEL = 'TrickLabSgdMomentum';
export const RUNNING_AVERAGE_KERNEL = 'TrickLabRunningAverage';

/** Stock kernels saved while ours replace them (empty when the stock ones are active). */
const saved = new Map<string, KernelConfig>();
let enabled = false;

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: NamedAttrMap;
}

const asKernel = (f: (args: KernelArgs) => TensorInfo | TensorInfo[]): KernelFunc => f as unknown as KernelFunc;

/** Replacements for stock kernels: each falls back to the saved stock kernel outside its domain. */
function replacements(): KernelConfig[] {
  return [
    {
      kernelName: tf.Conv2DBackpropFilter,
      backendName: BACKEND,
      kernelFunc: asKernel((args) => {
        const { x, dy } = args.inputs;
        const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
        const convInfo = backend_util.computeConv2DInfo(
          x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
          attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat),
        );
        if (!supportsFilterGrad(convInfo)) return stock(tf.Conv2DBackpropFilter)(args);
        return conv2dBackpropFilterGemm(args.backend, x, dy, convInfo);
      }),
    },
  ];
}

/** Our own kernels (no stock counterpart). */
function additions(): KernelConfig[] {
  const bnAttrs = (attrs: NamedAttrMap) => ({ epsilon: attrs.epsilon as number, relu: attrs.relu as boolean });
  return [
    {
      // inputs {x}; outputs [mean, variance] over all axes but the last.
      kernelName: BN_STATS_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => batchNormStats(backend, inputs.x)),
    },
    {
      // inputs {x, mean, variance, gamma, beta}; attrs {epsilon, relu}; output y.
      kernelName: BN_APPLY_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const { epsilon, relu } = bnAttrs(attrs);
        const { x, mean, variance, gamma, beta } = inputs;
        return batchNormApply(backend, { x, mean, variance, gamma, beta }, epsilon, relu);
      }),
    },
    {
      // inputs {x, dy, mean, variance, gamma, beta}; attrs {epsilon, relu}; outputs [dx, dγ, dβ].
      kernelName: BN_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const { epsilon, relu } = bnAttrs(attrs);
        const { x, dy, mean, variance, gamma, beta } = inputs;
        return batchNormGrad(backend, { x, dy, mean, variance, gamma, beta }, epsilon, relu);
      }),
    },
    {
      // inputs {w, buf, g, gate?}; attrs {lr, momentum, weightDecay, nesterov}; outputs [w', buf'].
      kernelName: SGD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const hyper = { lr: attrs.lr as number, momentum: attrs.momentum as number, weightDecay: attrs.weightDecay as number, nesterov: attrs.nesterov as boolean };
        return sgdMomentumStep(backend, { w: inputs.w, buf: inputs.buf, g: inputs.g, gate: inputs.gate }, hyper);
      }),
    },
    {
      // inputs {running, stat}; attrs {momentum, scale}; output (1 − momentum)·running + momentum·scale·stat.
      kernelName: RUNNING_AVERAGE_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) =>
        runningAverageStep(backend, inputs.running, inputs.stat, attrs.momentum as number, attrs.scale as number)),
    },
  ];
}

function stock(kernelName: string): (args: KernelArgs) => TensorInfo | TensorInfo[] {
  const config = saved.get(kernelName);
  if (!config) throw new Error(`stock ${kernelName} kernel was not saved`);
  return config.kernelFunc as unknown as (args: KernelArgs) => TensorInfo | TensorInfo[];
}

/**
 * Registers our WebGPU kernels (true) or restores tfjs's stock ones (false). Idempotent. Call
 * after the tfjs WebGPU backend module has been imported (initBackend does), since importing
 * it registers the stock kernels we save.
 */
export function setCustomKernels(on: boolean): void {
  if (on === enabled) return;
  if (on) {
    const configs = replacements();
    const missing = configs.filter((c) => !tf.getKernel(c.kernelName, BACKEND)).map((c) => c.kernelName);
    if (missing.length) {
      throw new Error(`setCustomKernels: no stock webgpu kernel ${missing.join(', ')} to replace; import '@tensorflow/tfjs-backend-webgpu' first`);
    }
    for (const c of configs) {
      saved.set(c.kernelName, tf.getKernel(c.kernelName, BACKEND));
      tf.unregisterKernel(c.kernelName, BACKEND);
      tf.registerKernel(c);
    }
    for (const c of additions()) {
      if (tf.getKernel(c.kernelName, BACKEND)) tf.unregisterKernel(c.kernelName, BACKEND);
      tf.registerKernel(c);
    }
  } else {
    for (const [name, config] of saved) {
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel(config);
    }
    saved.clear();
    for (const c of additions()) tf.unregisterKernel(c.kernelName, BACKEND);
  }
  enabled = on;
}

/** Whether our kernels are registered (they only run when the active backend is 'webgpu'). */
export function customKernelsEnabled(): boolean {
  return enabled;
}

/** Names of the stock kernels we replace and the kernels we add, for reports and tests. */
export function customKernelNames(): { replaced: string[]; added: string[] } {
  return { replaced: replacements().map((c) => c.kernelName), added: additions().map((c) => c.kernelName) };
}
