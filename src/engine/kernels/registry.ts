/**
 * Our WebGPU kernels, registered once with tfjs's kernel registry under their own names (no fork
 * of tfjs, and no stock kernel replaced): an implicit-GEMM Conv2D, a split-K
 * Conv2DBackpropFilter, a Conv2DBackpropInput split into the stride's sub-pixel phases, the BatchNorm
 * statistics, apply and gradient, the SGD-momentum and running-average updates (per tensor, and
 * over a flat arena of all of them: those two update their `state` input in place), the loss
 * head (soft-target cross-entropy, its gradient, the correct count, or the loss and the count in
 * one), FP16's loss-scale
 * bookkeeping (in place too), the classifier head (global average pool + dense) and the
 * option-A shortcut, each with its gradient. Which set a
 * run uses is its own `kernels` choice, passed down to each call (`usesCustomKernels`); tfjs's
 * stock kernels stay registered as they are, so two runs with different choices cannot affect
 * each other. `tf.profile` lists ours by name like any other kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { backend_util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import { batchNormApply } from './batchNormApply';
import { batchNormGrad, batchNormPartials } from './batchNormPrograms';
import { conv2dBackpropFilterGemm, supportsFilterGrad } from './conv2dBackpropFilter';
import { conv2dBackpropFilterVec4, supportsFilterGradVec4 } from './conv2dBackpropFilterVec4';
import { conv2dGemm, supportsConv2D } from './conv2dForward';
import { conv2dBackpropInputGemm, supportsInputGrad } from './conv2dBackpropInput';
import { countCorrectRows, crossEntropyAndCorrect, crossEntropyGrad, crossEntropyLoss } from './crossEntropyPrograms';
import { allFinite, runningAverageArenaStep, sgdArenaStep } from './arenaPrograms';
import { poolDenseForward, poolDenseInputGrad, poolDenseParamGrad } from './poolDensePrograms';
import { zeroPadShortcutBackward, zeroPadShortcutForward } from './shortcutPrograms';
import { runningAverageStep, sgdMomentumStep } from './updatePrograms';
import { lossScaleStep } from './lossScalePrograms';
import { isCpuAdapter, type WebGPUBackend } from './program';

const BACKEND = 'webgpu';

/**
 * A run's kernel set: 'compiled' = ours, with each training step captured once and replayed
 * (train/compiledStep.ts); 'custom' = ours, op by op; 'stock' = tfjs's own kernels.
 */
export type KernelSet = 'compiled' | 'custom' | 'stock';

/** Names of our kernels (inputs and attrs are documented on each config below). */
export const CONV2D_KERNEL = 'TrickLabConv2D';
export const CONV_FILTER_GRAD_KERNEL = 'TrickLabConv2DBackpropFilter';
export const CONV_INPUT_GRAD_KERNEL = 'TrickLabConv2DBackpropInput';
export const BN_APPLY_KERNEL = 'TrickLabBatchNormApply';
export const BN_GRAD_KERNEL = 'TrickLabBatchNormGrad';
export const SGD_KERNEL = 'TrickLabSgdMomentum';
export const RUNNING_AVERAGE_KERNEL = 'TrickLabRunningAverage';
export const CROSS_ENTROPY_KERNEL = 'TrickLabCrossEntropy';
export const CROSS_ENTROPY_GRAD_KERNEL = 'TrickLabCrossEntropyGrad';
export const COUNT_CORRECT_KERNEL = 'TrickLabCountCorrect';
export const CROSS_ENTROPY_AND_CORRECT_KERNEL = 'TrickLabCrossEntropyAndCorrect';
export const SGD_ARENA_KERNEL = 'TrickLabSgdArena';
export const RUNNING_AVERAGE_ARENA_KERNEL = 'TrickLabRunningAverageArena';
export const ALL_FINITE_KERNEL = 'TrickLabAllFinite';
export const LOSS_SCALE_KERNEL = 'TrickLabLossScale';
export const POOL_DENSE_KERNEL = 'TrickLabPoolDense';
export const POOL_DENSE_INPUT_GRAD_KERNEL = 'TrickLabPoolDenseInputGrad';
export const POOL_DENSE_PARAM_GRAD_KERNEL = 'TrickLabPoolDenseParamGrad';
export const ZERO_PAD_SHORTCUT_KERNEL = 'TrickLabZeroPadShortcut';
export const ZERO_PAD_SHORTCUT_GRAD_KERNEL = 'TrickLabZeroPadShortcutGrad';
export const ZERO_PAD_SHORTCUT_TEE_KERNEL = 'TrickLabZeroPadShortcutTee';

/** Whether a call made with `kernels` runs ours: the 'compiled' or 'custom' set on the webgpu backend. */
export function usesCustomKernels(kernels: KernelSet): boolean {
  return kernels !== 'stock' && tf.getBackend() === BACKEND;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: NamedAttrMap;
}

const asKernel = (f: (args: KernelArgs) => TensorInfo | TensorInfo[]): KernelFunc => f as unknown as KernelFunc;

/**
 * The output of a kernel that wrote its input `state` in place: the same buffer under a second
 * handle (as tfjs's Identity), with any CPU copy of the old values dropped.
 */
function updatedInPlace(backend: WebGPUBackend, state: TensorInfo): TensorInfo {
  (backend.tensorMap.get(state.dataId) as { values: unknown }).values = null;
  backend.incRef(state.dataId);
  return { dataId: state.dataId, shape: state.shape, dtype: state.dtype };
}

/** Our kernels. */
function kernelConfigs(): KernelConfig[] {
  const bnAttrs = (attrs: NamedAttrMap) => ({ epsilon: attrs.epsilon as number, relu: attrs.relu as boolean });
  return [
    {
      // inputs {x, filter}, attrs as tfjs's Conv2D (strides, pad, dataFormat, dilations, …): the
      // forward convolution, whose gradient (below) is ours too; falls back to the stock kernel
      // outside the shapes ours handles (output channels not a multiple of 4, dilation).
      kernelName: CONV2D_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel((args) => {
        const { x, filter } = args.inputs;
        const attrs = args.attrs as unknown as tf.Conv2DAttrs;
        const convInfo = backend_util.computeConv2DInfo(
          x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides,
          attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat),
        );
        if (!supportsConv2D(convInfo)) return stock(tf.Conv2D)(args);
        return conv2dGemm(args.backend, x, filter, convInfo);
      }),
    },
    {
      // inputs {x, dy}, attrs as tfjs's Conv2DBackpropFilter; falls back to the stock kernel
      // (still registered under its own name) outside the shapes ours handles.
      kernelName: CONV_FILTER_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel((args) => {
        const { x, dy } = args.inputs;
        const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
        const convInfo = backend_util.computeConv2DInfo(
          x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
          attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat),
        );
        if (!supportsFilterGrad(convInfo)) return stock(tf.Conv2DBackpropFilter)(args);
        // CPU adapters: the register kernel (no workgroup memory or barriers); GPUs: the tiled GEMM.
        if (isCpuAdapter(args.backend) && supportsFilterGradVec4(convInfo)) return conv2dBackpropFilterVec4(args.backend, x, dy, convInfo);
        return conv2dBackpropFilterGemm(args.backend, x, dy, convInfo);
      }),
    },
    {
      // inputs {dy, filter}, attrs as tfjs's Conv2DBackpropInput (inputShape, strides, pad, …):
      // the convolution's input gradient; falls back to the stock kernel outside the shapes ours
      // handles (channels not a multiple of 4, dilation).
      kernelName: CONV_INPUT_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel((args) => {
        const { dy, filter } = args.inputs;
        const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
        const convInfo = backend_util.computeConv2DInfo(
          attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad,
          attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat),
        );
        if (!supportsInputGrad(convInfo)) return stock(tf.Conv2DBackpropInput)(args);
        return conv2dBackpropInputGemm(args.backend, dy, filter, convInfo);
      }),
    },
    {
      // inputs {x, gamma, beta, shortcut?}; attrs {epsilon, relu, shortcut, tee}; outputs [y
      // (γ·x̂ + β [+ shortcut] [, ReLU]), mean, variance] and, with tee, y again under a second
      // handle (no copy) for a second consumer. 2 dispatches: the statistics' partial sums, then
      // the sweep that finishes them and writes y.
      kernelName: BN_APPLY_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const { epsilon, relu } = bnAttrs(attrs);
        const { x, gamma, beta, shortcut } = inputs;
        const partial = batchNormPartials(backend, x);
        const outputs = batchNormApply(backend, { x, partial, gamma, beta, shortcut }, epsilon, relu);
        backend.disposeData(partial.dataId);
        if (!attrs.tee) return outputs;
        const [y] = outputs;
        backend.incRef(y.dataId);
        return [...outputs, { dataId: y.dataId, shape: y.shape, dtype: y.dtype }];
      }),
    },
    {
      // inputs {x, dy, dy2?, mean, variance, gamma, beta, y?}; attrs {epsilon, relu, shortcut};
      // outputs [dx, dγ, dβ], and with shortcut (needs y, the output of BN + shortcut + ReLU) the
      // shortcut's gradient. dy2 (needs y): the tee'd output's gradient, added to dy.
      kernelName: BN_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const { x, dy, dy2, mean, variance, gamma, beta, y } = inputs;
        return batchNormGrad(backend, { x, dy, dy2, mean, variance, gamma, beta, y }, { ...bnAttrs(attrs), shortcut: Boolean(attrs.shortcut) });
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
    {
      // inputs {logits [N, K], targets [N, K]}; output [1]: the mean soft-target cross-entropy.
      kernelName: CROSS_ENTROPY_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => crossEntropyLoss(backend, inputs.logits, inputs.targets)),
    },
    {
      // inputs {logits, targets, dy [1]}; output ∂loss/∂logits [N, K] (the loss's registered gradient).
      kernelName: CROSS_ENTROPY_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => crossEntropyGrad(backend, inputs.logits, inputs.targets, inputs.dy)),
    },
    {
      // inputs {logits, targets}; output [1]: rows whose top logit is the targets' top class.
      kernelName: COUNT_CORRECT_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => countCorrectRows(backend, inputs.logits, inputs.targets)),
    },
    {
      // inputs {logits, targets}; outputs [loss [1], correct [1]]: the two kernels above in one
      // dispatch (the loss's gradient registered below).
      kernelName: CROSS_ENTROPY_AND_CORRECT_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => crossEntropyAndCorrect(backend, inputs.logits, inputs.targets)),
    },
    {
      // inputs {state: [w (N); buf (N)], g (N), gate?, scale?}; attrs {lr, momentum, weightDecay,
      // nesterov, decayEnd}; updates state in place (decay on elements < decayEnd, the gradient
      // g/scale with a scale) and returns it.
      kernelName: SGD_ARENA_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const hyper = {
          lr: attrs.lr as number, momentum: attrs.momentum as number, weightDecay: attrs.weightDecay as number,
          nesterov: attrs.nesterov as boolean, decayEnd: attrs.decayEnd as number,
        };
        const { state, g, gate, scale } = inputs;
        sgdArenaStep(backend, { state, g, gate, scale }, hyper);
        return updatedInPlace(backend, state);
      }),
    },
    {
      // inputs {x} (float32); output bool [1]: whether every value is finite.
      kernelName: ALL_FINITE_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => allFinite(backend, inputs.x)),
    },
    {
      // inputs {state: [running (M); stat (M)], coef (M)}; attrs {momentum}; running ← (1 − momentum)·running
      // + coef·stat in place; returns state.
      kernelName: RUNNING_AVERAGE_ARENA_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        runningAverageArenaStep(backend, inputs.state, inputs.coef, attrs.momentum as number);
        return updatedInPlace(backend, inputs.state);
      }),
    },
    {
      // inputs {state: [scale, clean, skipped] (3), finite (bool scalar)}; attrs {growthInterval,
      // minScale, maxScale}; FP16's dynamic loss scaling after a step, in place; returns state.
      kernelName: LOSS_SCALE_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const hyper = { growthInterval: attrs.growthInterval as number, minScale: attrs.minScale as number, maxScale: attrs.maxScale as number };
        lossScaleStep(backend, inputs.state, inputs.finite, hyper);
        return updatedInPlace(backend, inputs.state);
      }),
    },
    {
      // inputs {x [N, H, W, C], w [C, K], b [K]}; output [N, K]: mean over H, W, times w, plus b.
      kernelName: POOL_DENSE_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => poolDenseForward(backend, inputs.x, inputs.w, inputs.b)),
    },
    {
      // inputs {w, dy [N, K]}; attrs {inputShape}; output ∂L/∂x of POOL_DENSE_KERNEL.
      kernelName: POOL_DENSE_INPUT_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => poolDenseInputGrad(backend, attrs.inputShape as number[], inputs.w, inputs.dy)),
    },
    {
      // inputs {x, dy [N, K]}; outputs [∂L/∂w, ∂L/∂b] of POOL_DENSE_KERNEL.
      kernelName: POOL_DENSE_PARAM_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend }) => poolDenseParamGrad(backend, inputs.x, inputs.dy)),
    },
    {
      // inputs {x [N, H, W, inC]}; attrs {stride, outC}; output [N, ⌈H/s⌉, ⌈W/s⌉, outC]: option A.
      kernelName: ZERO_PAD_SHORTCUT_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => zeroPadShortcutForward(backend, inputs.x, attrs.stride as number, attrs.outC as number)),
    },
    {
      // inputs {x}; attrs {stride, outC}; outputs [x (the same buffer: no dispatch), the shortcut of
      // ZERO_PAD_SHORTCUT_KERNEL]: x's two consumers' gradients are summed by this kernel's.
      kernelName: ZERO_PAD_SHORTCUT_TEE_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) => {
        const { x } = inputs;
        backend.incRef(x.dataId);
        const alias: TensorInfo = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
        return [alias, zeroPadShortcutForward(backend, x, attrs.stride as number, attrs.outC as number)];
      }),
    },
    {
      // inputs {dy, add?}; attrs {stride, inputShape}; output ∂L/∂x of ZERO_PAD_SHORTCUT_KERNEL
      // (+ add: x's gradient from its other consumer).
      kernelName: ZERO_PAD_SHORTCUT_GRAD_KERNEL,
      backendName: BACKEND,
      kernelFunc: asKernel(({ inputs, backend, attrs }) =>
        zeroPadShortcutBackward(backend, inputs.dy, attrs.inputShape as number[], attrs.stride as number, inputs.add)),
    },
  ];
}

function stock(kernelName: string): (args: KernelArgs) => TensorInfo | TensorInfo[] {
  const config = tf.getKernel(kernelName, BACKEND);
  if (!config) throw new Error(`no stock webgpu kernel ${kernelName}; import '@tensorflow/tfjs-backend-webgpu' first`);
  return config.kernelFunc as unknown as (args: KernelArgs) => TensorInfo | TensorInfo[];
}

/**
 * The gradient of CONV2D_KERNEL: ours for the input and for the filter. tfjs calls each thunk
 * only for an input on the path to the variables (no input gradient for the first conv).
 */
const conv2dGradient: tf.GradConfig = {
  kernelName: CONV2D_KERNEL,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved;
    const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
    const common = { strides, pad, dataFormat, dimRoundingMode } as unknown as NamedAttrMap;
    return {
      x: () => tf.engine().runKernel(CONV_INPUT_GRAD_KERNEL, { dy: dy as tf.Tensor, filter }, { ...common, inputShape: x.shape }) as tf.Tensor,
      filter: () => tf.engine().runKernel(CONV_FILTER_GRAD_KERNEL, { x, dy: dy as tf.Tensor }, { ...common, filterShape: filter.shape }) as tf.Tensor,
    };
  },
};

/** The cross-entropy's gradient for the logits (the targets are data: tfjs never asks for theirs). */
const crossEntropyGradient: tf.GradConfig = {
  kernelName: CROSS_ENTROPY_KERNEL,
  inputsToSave: ['logits', 'targets'],
  gradFunc: (dy, saved) => {
    const [logits, targets] = saved;
    return {
      logits: () => tf.engine().runKernel(CROSS_ENTROPY_GRAD_KERNEL, { logits, targets, dy: dy as tf.Tensor }) as tf.Tensor,
      targets: () => {
        throw new Error(`${CROSS_ENTROPY_KERNEL}: no gradient for the targets`);
      },
    };
  },
};

/** The gradient of the loss-and-count kernel: the loss's (the count has none: it is a step function). */
const crossEntropyAndCorrectGradient: tf.GradConfig = {
  kernelName: CROSS_ENTROPY_AND_CORRECT_KERNEL,
  inputsToSave: ['logits', 'targets'],
  gradFunc: (dys, saved) => {
    const [logits, targets] = saved;
    const [dLoss] = dys as tf.Tensor[];
    return {
      logits: () => tf.engine().runKernel(CROSS_ENTROPY_GRAD_KERNEL, { logits, targets, dy: dLoss }) as tf.Tensor,
      targets: () => {
        throw new Error(`${CROSS_ENTROPY_AND_CORRECT_KERNEL}: no gradient for the targets`);
      },
    };
  },
};

/**
 * The classifier head's gradient: the input's in one pass, the weight's and the bias's together
 * in another (run once, when tfjs asks for the gradient, and handed to both thunks).
 */
const poolDenseGradient: tf.GradConfig = {
  kernelName: POOL_DENSE_KERNEL,
  inputsToSave: ['x', 'w'],
  gradFunc: (dy, saved) => {
    const [x, w] = saved;
    const [dw, db] = tf.engine().runKernel(POOL_DENSE_PARAM_GRAD_KERNEL, { x, dy: dy as tf.Tensor }) as tf.Tensor[];
    return {
      x: () => tf.engine().runKernel(POOL_DENSE_INPUT_GRAD_KERNEL, { w, dy: dy as tf.Tensor }, { inputShape: x.shape }) as tf.Tensor,
      w: () => dw,
      b: () => db,
    };
  },
};

/**
 * Training BatchNorm's gradient (fusedBatchNorm.ts has the formulas): one BN_GRAD_KERNEL call
 * for all of x, γ, β and the shortcut. With a tee (outputs [y, μ, σ², y′]) the gradients of y
 * and y′ are summed inside that call; an output no consumer reached has a null gradient.
 */
const batchNormGradient: tf.GradConfig = {
  kernelName: BN_APPLY_KERNEL,
  inputsToSave: ['x', 'gamma', 'beta'],
  outputsToSave: [true, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, gamma, beta, y, mean, variance] = saved;
    const [dyFirst, , , dySecond] = dys as (tf.Tensor | null)[];
    const [dy, dy2] = dyFirst && dySecond ? [dyFirst, dySecond] : [dyFirst ?? dySecond, undefined];
    if (!dy) throw new Error(`${BN_APPLY_KERNEL}: no gradient reached its output`);
    const inputs: tf.NamedTensorMap = { x, dy, mean, variance, gamma, beta };
    // The mask is read from y when it has to be: after a shortcut (BN alone cannot give it), or
    // with both gradients (the masked pass has no binding left for dy2).
    if (attrs.shortcut || dy2) inputs.y = y;
    if (dy2) inputs.dy2 = dy2;
    const [dx, dGamma, dBeta, dShortcut] = tf.engine().runKernel(BN_GRAD_KERNEL, inputs, attrs) as tf.Tensor[];
    return {
      x: () => dx,
      gamma: () => dGamma,
      beta: () => dBeta,
      shortcut: () => {
        if (!dShortcut) throw new Error(`${BN_APPLY_KERNEL}: no shortcut gradient without a shortcut`);
        return dShortcut;
      },
    };
  },
};

/** The option-A shortcut's gradient: the output gradient's kept pixels and channels, zeros elsewhere. */
const zeroPadShortcutGradient: tf.GradConfig = {
  kernelName: ZERO_PAD_SHORTCUT_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const gradAttrs = { stride: attrs.stride as number, inputShape: x.shape };
    return { x: () => tf.engine().runKernel(ZERO_PAD_SHORTCUT_GRAD_KERNEL, { dy: dy as tf.Tensor }, gradAttrs) as tf.Tensor };
  },
};

/** The tee's gradient: the shortcut's, with the passed-through x's gradient added in the same pass. */
const zeroPadShortcutTeeGradient: tf.GradConfig = {
  kernelName: ZERO_PAD_SHORTCUT_TEE_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (dys, saved, attrs) => {
    const [x] = saved;
    const [dPass, dShortcut] = dys as tf.Tensor[];
    const gradAttrs = { stride: attrs.stride as number, inputShape: x.shape };
    return { x: () => tf.engine().runKernel(ZERO_PAD_SHORTCUT_GRAD_KERNEL, { dy: dShortcut, add: dPass }, gradAttrs) as tf.Tensor };
  },
};

/** Names of our kernels, for reports and tests. */
export function customKernelNames(): string[] {
  return kernelConfigs().map((c) => c.kernelName);
}

// Registered once, when this module loads: the registry is keyed by backend name, so this needs
// no backend yet, and a second copy of the module (hot reload) finds them already there.
for (const c of kernelConfigs()) if (!tf.getKernel(c.kernelName, BACKEND)) tf.registerKernel(c);
if (!tf.getGradient(CONV2D_KERNEL)) tf.registerGradient(conv2dGradient);
if (!tf.getGradient(BN_APPLY_KERNEL)) tf.registerGradient(batchNormGradient);
if (!tf.getGradient(CROSS_ENTROPY_KERNEL)) tf.registerGradient(crossEntropyGradient);
if (!tf.getGradient(CROSS_ENTROPY_AND_CORRECT_KERNEL)) tf.registerGradient(crossEntropyAndCorrectGradient);
if (!tf.getGradient(POOL_DENSE_KERNEL)) tf.registerGradient(poolDenseGradient);
if (!tf.getGradient(ZERO_PAD_SHORTCUT_KERNEL)) tf.registerGradient(zeroPadShortcutGradient);
if (!tf.getGradient(ZERO_PAD_SHORTCUT_TEE_KERNEL)) tf.registerGradient(zeroPadShortcutTeeGradient);
