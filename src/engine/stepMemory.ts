/**
 * What one training step holds in memory at its peak, from the config alone (nothing is
 * allocated): the weights, their gradients and momentum buffers, BatchNorm's running
 * statistics, the input batch, and the activations the backward pass needs. tfjs keeps every
 * tensor a step makes until the step ends (its gradient tape), so the activations are counted
 * as conv outputs (the sizes that set everything else) times how many tensors of that size the
 * tape holds per conv output in forward and backward together, measured per activation
 * function (stepMemory.test.ts checks the estimate against tf.profile's peak bytes).
 *
 * The networks are walked as the model files build them (cifarResnet.ts, imagenetResnet.ts):
 * the test checks that the parameters counted here equal the built model's, so the walk cannot
 * drift from the models unnoticed.
 */
import type { Activation, ExperimentConfig } from './config';
import { CIFAR_WIDTHS, scaledWidth } from './model/cifarResnet';
import { BOTTLENECK_EXPANSION, IMAGENET_WIDTHS, RESNET18_BLOCKS, RESNET50_BLOCKS } from './model/imagenetResnet';
import { SE_REDUCTION } from './model/se';

/** Bytes per float32 value. */
const F32 = 4;

/**
 * Tensors the tape holds per conv output value, forward and backward (conv, BatchNorm's moments
 * and normalisation, the activation, the residual add, and their gradients), measured on the
 * tfjs CPU backend with tf.profile and rounded up: 21.5–23 for ReLU, 27 for Swish, 42 for GELU
 * (its tanh form takes eight ops).
 */
export const TAPE_FACTOR: Record<Activation, number> = { relu: 24, swish: 28, gelu: 43 };
/**
 * FP16 emulation rounds every conv output once more (×1.05 measured, 1.1 here), and every weight
 * and gradient: its rounded copies, the scaled and unscaled gradients and their finiteness checks
 * are about 8 more copies of the weights (measured; 9 here).
 */
const FP16_FACTOR = 1.1;
const FP16_WEIGHT_COPIES = 9;
/**
 * Copies of the weights a step holds: the weights, their gradients, the momentum buffers, and the
 * new values SGD computes before assigning them.
 */
const WEIGHT_COPIES = 4;

/** One conv layer (with its BatchNorm) as the walk sees it. */
interface ConvUnit {
  k: number;
  inC: number;
  outC: number;
  /** Output pixels per image (height × width). */
  pixels: number;
}

/** A network's layers, sizes only. */
interface Layout {
  convs: ConvUnit[];
  /** Dense layers [in, out] (the classifier, SE bottlenecks), each with a bias. */
  dense: [number, number][];
}

/** Side of a 'same'-padded conv's output at stride 1 or 2. */
const down = (side: number, stride: number): number => Math.ceil(side / stride);

function seDense(channels: number): [number, number][] {
  const hidden = Math.max(1, Math.floor(channels / SE_REDUCTION));
  return [
    [channels, hidden],
    [hidden, channels],
  ];
}

function cifarLayout(config: ExperimentConfig, numClasses: number): Layout {
  const { model } = config;
  const n = (model.depth - 2) / 6;
  const widths = CIFAR_WIDTHS.map((w) => scaledWidth(w, model.widthMultiplier));
  let side = config.data.resolution;
  const convs: ConvUnit[] = [{ k: 3, inC: 3, outC: widths[0], pixels: side * side }];
  const dense: [number, number][] = [];
  let inC = widths[0];
  widths.forEach((outC, stage) => {
    for (let i = 0; i < n; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      side = down(side, stride);
      const pixels = side * side;
      convs.push({ k: 3, inC, outC, pixels }, { k: 3, inC: outC, outC, pixels });
      if (model.se) dense.push(...seDense(outC));
      // Option B's projection shortcut (option A pads channels and has no parameters).
      if (model.skipConnections && model.shortcut === 'projection' && (stride !== 1 || inC !== outC)) convs.push({ k: 1, inC, outC, pixels });
      inC = outC;
    }
  });
  dense.push([inC, numClasses]);
  return { convs, dense };
}

function imagenetLayout(config: ExperimentConfig, numClasses: number): Layout {
  const { model } = config;
  const w = (c: number): number => scaledWidth(c, model.widthMultiplier);
  let side = config.data.resolution;
  const full = side * side;
  const stemWidth = w(IMAGENET_WIDTHS[0]);
  const convs: ConvUnit[] = model.resnetC
    ? [
        { k: 3, inC: 3, outC: w(32), pixels: full },
        { k: 3, inC: w(32), outC: w(32), pixels: full },
        { k: 3, inC: w(32), outC: stemWidth, pixels: full },
      ]
    : [{ k: 3, inC: 3, outC: stemWidth, pixels: full }];
  const dense: [number, number][] = [];
  const counts = model.family === 'resnet18' ? RESNET18_BLOCKS : RESNET50_BLOCKS;
  let inC = stemWidth;
  IMAGENET_WIDTHS.forEach((base, stage) => {
    for (let i = 0; i < counts[stage]; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const width = w(base);
      const inSide = side;
      side = down(side, stride);
      const pixels = side * side;
      let outC: number;
      if (model.family === 'resnet18') {
        outC = width;
        convs.push({ k: 3, inC, outC: width, pixels }, { k: 3, inC: width, outC: width, pixels });
      } else {
        outC = width * BOTTLENECK_EXPANSION;
        // ResNet-B moves the stride from the first 1×1 to the 3×3.
        const firstPixels = model.resnetB ? inSide * inSide : pixels;
        convs.push({ k: 1, inC, outC: width, pixels: firstPixels }, { k: 3, inC: width, outC: width, pixels }, { k: 1, inC: width, outC, pixels });
      }
      if (model.se) dense.push(...seDense(outC));
      if (model.skipConnections && (stride !== 1 || inC !== outC)) convs.push({ k: 1, inC, outC, pixels });
      inC = outC;
    }
  });
  dense.push([inC, numClasses]);
  return { convs, dense };
}

/** Classes of the config's dataset (the classifier's width). */
export function classesOf(config: ExperimentConfig): number {
  return config.data.dataset === 'cifar100' ? 100 : 10;
}

function layoutOf(config: ExperimentConfig, numClasses: number): Layout {
  return config.model.family === 'cifar-resnet' ? cifarLayout(config, numClasses) : imagenetLayout(config, numClasses);
}

/** A step's memory at its peak, bytes, by part. */
export interface StepMemory {
  /** Trainable scalars (as countParams counts them). */
  params: number;
  /** Weights, gradients, momentum and the update's new values, plus BatchNorm's running statistics. */
  weights: number;
  /** The float input batch and its one-hot targets. */
  input: number;
  /** Tensors the backward pass needs, and the gradients it makes. */
  activations: number;
  /** The largest single tensor (one conv output of the whole batch). */
  largest: number;
  total: number;
}

/** Estimates one training step's peak memory for `config` (see the file comment). */
export function estimateStepMemory(config: ExperimentConfig, numClasses = classesOf(config)): StepMemory {
  const { convs, dense } = layoutOf(config, numClasses);
  const batch = config.optim.batchSize;
  const convParams = convs.reduce((sum, c) => sum + c.k * c.k * c.inC * c.outC + 2 * c.outC, 0);
  const params = convParams + dense.reduce((sum, [i, o]) => sum + i * o + o, 0);
  const bnBuffers = convs.reduce((sum, c) => sum + 2 * c.outC, 0);
  const outputs = convs.reduce((sum, c) => sum + c.pixels * c.outC, 0);
  const fp16 = config.tricks.fp16?.enabled ? FP16_FACTOR : 1;
  const weights = F32 * ((WEIGHT_COPIES + (fp16 > 1 ? FP16_WEIGHT_COPIES : 0)) * params + bnBuffers);
  const input = F32 * batch * (config.data.resolution ** 2 * 3 + numClasses);
  const activations = Math.ceil(F32 * batch * outputs * TAPE_FACTOR[config.model.activation] * fp16);
  const largest = F32 * batch * Math.max(...convs.map((c) => c.pixels * c.outC));
  return { params, weights, input, activations, largest, total: weights + input + activations };
}
