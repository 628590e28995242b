/**
 * Parameters and layer functions shared by the ResNets: seeded He initialisation, convolution,
 * BatchNorm (batch statistics in training, running averages in evaluation), activations, dense.
 * Layout is NHWC with filters [kh, kw, in, out], as tfjs uses.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../config';
import type { Rng } from '../rng';
import type { ParamInfo } from '../tricks/types';
import { conv2d as convWith } from '../kernels/conv2d';
import { fusedBatchNorm } from '../kernels/fusedBatchNorm';
import { poolDense } from '../kernels/poolDense';
import { usesCustomKernels, type KernelSet } from '../kernels/registry';
import { runningAverageUpdates } from '../kernels/updates';

/** BatchNorm running-average momentum (PyTorch's 0.1 = 1 − 0.9) and epsilon. */
export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

/** A BatchNorm layer's parameters and running statistics. */
export interface BnLayer {
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

/** A batch's statistics, kept out of the gradient tape to update the running averages. */
export interface BnStats {
  layer: BnLayer;
  mean: tf.Tensor;
  variance: tf.Tensor;
  count: number;
}

/** The precision policy of an fp32 run: nothing is rounded (a residual tail may then be one kernel). */
export const noRounding = (x: tf.Tensor): tf.Tensor => x;

/** Per-forward-pass state: training or evaluation, and where batch statistics go. */
export interface ForwardContext {
  training: boolean;
  /** Filled in training mode; the step applies and disposes them. */
  bnStats: BnStats[];
  /** Precision emulation applied to weights and activations (identity at fp32). */
  round: (x: tf.Tensor) => tf.Tensor;
  /**
   * The weights already passed through the precision policy for this pass, by variable (FP16
   * with our kernels rounds them all in one dispatch); a weight not in it is rounded where used.
   */
  weights?: ReadonlyMap<tf.Tensor, tf.Tensor>;
  /**
   * A residual block's tail ReLU(y + shortcut) at the emulated precision from BatchNorm's
   * unrounded output y, in one kernel (FP16 with our kernels); absent: each step rounded apart.
   */
  addRelu?: (y: tf.Tensor4D, shortcut: tf.Tensor4D) => tf.Tensor4D;
  /**
   * The run's kernel set for the convolutions' filter gradients and training-mode BatchNorm:
   * 'custom' = ours on WebGPU (kernels/), 'stock' = tfjs's kernels and tf ops.
   */
  kernels: KernelSet;
}

/** Collects a model's parameters as they are created. */
export class ParamStore {
  readonly params: ParamInfo[] = [];
  readonly buffers: tf.Variable[] = [];
  constructor(private readonly rng: Rng) {}

  private add(name: string, kind: ParamInfo['kind'], values: tf.Tensor, extra: Partial<ParamInfo> = {}): tf.Variable {
    // tfjs names variables uniquely itself; `name` is our readable label (two models may coexist).
    const variable = tf.variable(values, true);
    values.dispose();
    this.params.push({ name, kind, variable, ...extra });
    return variable;
  }

  private normal(shape: number[], std: number): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = this.rng.normal() * std;
    return tf.tensor(data, shape);
  }

  private uniform(shape: number[], bound: number): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (2 * this.rng.next() - 1) * bound;
    return tf.tensor(data, shape);
  }

  /** Conv filter with He (Kaiming) normal init, fan-out mode as torchvision's ResNet. */
  conv(name: string, k: number, inC: number, outC: number): tf.Variable {
    return this.add(name, 'conv', this.normal([k, k, inC, outC], Math.sqrt(2 / (k * k * outC))));
  }

  bn(name: string, channels: number, lastBnInBlock = false): BnLayer {
    const gamma = this.add(`${name}.gamma`, 'bn-gamma', tf.ones([channels]), { lastBnInBlock });
    const beta = this.add(`${name}.beta`, 'bn-beta', tf.zeros([channels]));
    // tidy frees the initial values; variables survive it.
    const runningMean = tf.tidy(() => tf.variable(tf.zeros([channels]), false));
    const runningVar = tf.tidy(() => tf.variable(tf.ones([channels]), false));
    this.buffers.push(runningMean, runningVar);
    return { gamma, beta, runningMean, runningVar };
  }

  /** Dense layer, PyTorch's default init: U(−1/√in, 1/√in) for weight and bias. */
  dense(name: string, inF: number, outF: number): { w: tf.Variable; b: tf.Variable } {
    const bound = 1 / Math.sqrt(inF);
    const w = this.add(`${name}.weight`, 'dense-weight', this.uniform([inF, outF], bound));
    const b = this.add(`${name}.bias`, 'bias', this.uniform([outF], bound));
    return { w, b };
  }
}

/** A weight as this pass uses it: at the emulated precision. */
function weight<T extends tf.Tensor>(ctx: ForwardContext, w: tf.Variable): T {
  return (ctx.weights?.get(w) ?? ctx.round(w)) as T;
}

/** 2-D convolution, 'same'-style padding (k−1)/2, weights passed through the precision policy. */
export function conv2d(ctx: ForwardContext, x: tf.Tensor4D, w: tf.Variable, stride: number): tf.Tensor4D {
  const k = w.shape[0];
  const pad = (k - 1) / 2;
  const padding: [[number, number], [number, number], [number, number], [number, number]] | 'valid' =
    pad === 0 ? 'valid' : [[0, 0], [pad, pad], [pad, pad], [0, 0]];
  return ctx.round(convWith(x, weight<tf.Tensor4D>(ctx, w), stride, padding, ctx.kernels)) as tf.Tensor4D;
}

/**
 * BatchNorm: batch statistics in training (recorded for the running averages), running ones in
 * evaluation; `relu` fuses a following ReLU into the same kernel.
 */
export function batchNorm(ctx: ForwardContext, x: tf.Tensor4D, bn: BnLayer, relu = false, shortcut?: tf.Tensor4D): tf.Tensor4D {
  return ctx.round(unroundedBatchNorm(ctx, x, bn, relu, shortcut)[0]) as tf.Tensor4D;
}

/**
 * An activation and a handle for its second consumer (a block input feeds its first conv and its
 * identity shortcut): the same tensor, or with `tee` in fp32 training on our kernels the same
 * buffer under a second handle, whose gradient the BN's backward pass adds in (no tape add).
 */
export type Teed = [tf.Tensor4D, tf.Tensor4D];

/** Whether a fused BN + ReLU can hand out a tee here: fp32 training on our kernels. */
function teeable(ctx: ForwardContext): boolean {
  return ctx.training && ctx.round === noRounding && usesCustomKernels(ctx.kernels);
}

/** batchNorm before its output is rounded (its weights are), with the tee when asked and teeable. */
function unroundedBatchNorm(ctx: ForwardContext, x: tf.Tensor4D, bn: BnLayer, relu = false, shortcut?: tf.Tensor4D, tee = false): Teed {
  const gamma = weight<tf.Tensor1D>(ctx, bn.gamma);
  const beta = weight<tf.Tensor1D>(ctx, bn.beta);
  if (!ctx.training) {
    const y = tf.batchNorm(x, bn.runningMean, bn.runningVar, beta, gamma, BN_EPSILON) as tf.Tensor4D;
    const out = relu ? tf.relu(y) : y;
    return [out, out];
  }
  const { y, mean, variance, second } = fusedBatchNorm(x, gamma, beta, { epsilon: BN_EPSILON, training: true, relu, shortcut, tee: tee && relu && teeable(ctx), kernels: ctx.kernels });
  const [n, h, w] = x.shape;
  ctx.bnStats.push({ layer: bn, mean: tf.keep(mean), variance: tf.keep(variance), count: n * h * w });
  return [y, second ?? y];
}

/**
 * A residual block's tail: ReLU(BN(x) + shortcut). In fp32 training with our kernels it is one
 * kernel (fusedBatchNorm's shortcut); in FP16 with ours, BN then one kernel (ctx.addRelu);
 * otherwise BN, the addition and the activation as three steps, each rounded by the precision
 * policy as a half network stores them. `tee`: see Teed.
 */
export function batchNormAddRelu(ctx: ForwardContext, x: tf.Tensor4D, bn: BnLayer, shortcut: tf.Tensor4D, tee = false): Teed {
  if (teeable(ctx)) return unroundedBatchNorm(ctx, x, bn, true, shortcut, tee);
  const y = ctx.addRelu ? ctx.addRelu(unroundedBatchNorm(ctx, x, bn)[0], shortcut) : activation(ctx, residualAdd(ctx, batchNorm(ctx, x, bn), shortcut), 'relu');
  return [y, y];
}

/** BatchNorm then the activation, with ReLU fused into the BatchNorm kernel. `tee`: see Teed. */
export function batchNormAct(ctx: ForwardContext, x: tf.Tensor4D, bn: BnLayer, kind: Activation, tee = false): Teed {
  if (kind === 'relu' && teeable(ctx)) return unroundedBatchNorm(ctx, x, bn, true, undefined, tee);
  const y = kind === 'relu' ? batchNorm(ctx, x, bn, true) : activation(ctx, batchNorm(ctx, x, bn), kind);
  return [y, y];
}

/*
 * The network's other operations, each storing its output at the emulated precision as a half
 * network would (ctx.round is the identity at fp32): activations, the residual addition,
 * pooling. Reductions (means) accumulate in fp32 and round their result, as fp16 kernels
 * accumulate in fp32.
 */

/** The activation of `x`. ReLU maps halves to halves, so only the smooth ones are rounded. */
export function activation(ctx: ForwardContext, x: tf.Tensor4D, kind: Activation): tf.Tensor4D {
  return kind === 'relu' ? tf.relu(x) : (ctx.round(activate(x, kind)) as tf.Tensor4D);
}

/** The residual addition: branch + shortcut. */
export function residualAdd(ctx: ForwardContext, branch: tf.Tensor4D, shortcut: tf.Tensor4D): tf.Tensor4D {
  return ctx.round(tf.add(branch, shortcut)) as tf.Tensor4D;
}

/** Global average pooling, N×H×W×C → N×C. */
export function globalAvgPool(ctx: ForwardContext, x: tf.Tensor4D): tf.Tensor2D {
  return ctx.round(tf.mean(x, [1, 2])) as tf.Tensor2D;
}

/** k×k average pooling with stride k ('same' padding). */
export function avgPool(ctx: ForwardContext, x: tf.Tensor4D, k: number): tf.Tensor4D {
  return ctx.round(tf.avgPool(x, k, k, 'same')) as tf.Tensor4D;
}

/** The nonlinearity: ReLU, Swish/SiLU x·σ(x) (Ramachandran et al. 2017), or GELU (tanh form, Hendrycks & Gimpel 2016). */
export function activate(x: tf.Tensor4D, kind: Activation): tf.Tensor4D {
  switch (kind) {
    case 'relu':
      return tf.relu(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'gelu': {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }
  }
}

/** Dense layer on [batch, features]. */
export function dense(ctx: ForwardContext, x: tf.Tensor2D, p: { w: tf.Variable; b: tf.Variable }): tf.Tensor2D {
  return ctx.round(tf.add(tf.matMul(x, weight<tf.Tensor2D>(ctx, p.w)), weight(ctx, p.b))) as tf.Tensor2D;
}

/**
 * The classifier: global average pooling, then the dense layer. In fp32 with our kernels it is
 * one kernel (kernels/poolDense.ts); otherwise the two layers, each rounded by the precision policy.
 */
export function classifierHead(ctx: ForwardContext, x: tf.Tensor4D, p: { w: tf.Variable; b: tf.Variable }): tf.Tensor2D {
  if (ctx.round === noRounding && usesCustomKernels(ctx.kernels)) return poolDense(x, weight<tf.Tensor2D>(ctx, p.w), weight<tf.Tensor1D>(ctx, p.b), ctx.kernels);
  return dense(ctx, globalAvgPool(ctx, x), p);
}

/**
 * Applies a batch's statistics to the running averages (unbiased variance, as PyTorch) with the
 * run's kernel set, and frees them.
 */
export function updateRunningStats(stats: BnStats[], kernels: KernelSet): void {
  runningAverageUpdates(
    stats.flatMap((s) => [
      { running: s.layer.runningMean, stat: s.mean, scale: 1 },
      { running: s.layer.runningVar, stat: s.variance, scale: s.count > 1 ? s.count / (s.count - 1) : 1 },
    ]),
    BN_MOMENTUM,
    kernels,
  );
  for (const s of stats) tf.dispose([s.mean, s.variance]);
  stats.length = 0;
}
