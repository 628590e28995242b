/**
 * ImageNet-style ResNet-18 (basic blocks, 2-2-2-2) and ResNet-50 (bottlenecks, 3-4-6-3) of
 * He et al. 2016 ("Deep Residual Learning for Image Recognition", Table 1), adapted to small
 * images as is usual for CIFAR: the 7×7 stride-2 stem and its max pool become one 3×3 stride-1
 * conv, so 32×32 inputs reach the last stage at 4×4. Stages are 64/128/256/512 wide (× the
 * width multiplier; ×4 at the bottleneck outputs) with stride 2 at the start of stages 2–4 and
 * 1×1 projection shortcuts wherever the shape changes. This gives the model tweaks of He et
 * al. 2019 (§4.1, Figure 2) something to act on:
 * - ResNet-B: the downsampling bottleneck puts its stride on the 3×3 conv, not the first 1×1
 *   (a strided 1×1 ignores three quarters of its input); ResNet-50 only.
 * - ResNet-C: the stem becomes three 3×3 convs (32, 32, 64 channels), all stride 1 here.
 * - ResNet-D: a downsampling shortcut does a 2×2 average pool (stride 2) and then a stride-1
 *   1×1 conv, instead of a stride-2 1×1 conv that skips three quarters of the pixels.
 * Also the shared levers: SE modules, activation, and skip connections off (plain network).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import type { Rng } from '../rng';
import { scaledWidth } from './cifarResnet';
import { activation, avgPool, batchNorm, classifierHead, conv2d, ParamStore, residualAdd, type BnLayer, type ForwardContext } from './layers';
import { createSe, squeezeExcite, type SeParams } from './se';
import type { Model } from './types';

/** Stage widths before the multiplier (ResNet-18's outputs; ResNet-50's inner 3×3 widths). */
export const IMAGENET_WIDTHS = [64, 128, 256, 512];
/** Blocks per stage. */
export const RESNET18_BLOCKS = [2, 2, 2, 2];
export const RESNET50_BLOCKS = [3, 4, 6, 3];
/** Bottleneck output width = 4 × its inner width. */
export const BOTTLENECK_EXPANSION = 4;

interface ConvBn {
  conv: tf.Variable;
  bn: BnLayer;
  stride: number;
}

interface Projection extends ConvBn {
  /** ResNet-D: 2×2 average pool with stride `poolStride` before a stride-1 conv. */
  poolStride: number;
}

interface Block {
  /** The residual branch: conv-BN pairs, activation between them (not after the last). */
  layers: ConvBn[];
  se: SeParams | null;
  /** null: identity shortcut (or none, in the plain network). */
  shortcut: Projection | null;
}

function convBn(store: ParamStore, name: string, k: number, inC: number, outC: number, stride: number, last = false): ConvBn {
  return { conv: store.conv(`${name}.conv`, k, inC, outC), bn: store.bn(`${name}.bn`, outC, last), stride };
}

function applyConvBn(ctx: ForwardContext, x: tf.Tensor4D, l: ConvBn): tf.Tensor4D {
  return batchNorm(ctx, conv2d(ctx, x, l.conv, l.stride), l.bn);
}

/** A projection shortcut: a 1×1 conv of stride `stride`, or with ResNet-D a 2×2 pool then a stride-1 conv. */
export function projection(store: ParamStore, name: string, inC: number, outC: number, stride: number, resnetD: boolean): Projection {
  const pooled = resnetD && stride > 1;
  return { ...convBn(store, `${name}.shortcut`, 1, inC, outC, pooled ? 1 : stride), poolStride: pooled ? stride : 1 };
}

function shortcutForward(ctx: ForwardContext, x: tf.Tensor4D, s: Projection | null): tf.Tensor4D {
  if (!s) return x;
  const pooled = s.poolStride > 1 ? avgPool(ctx, x, s.poolStride) : x;
  return applyConvBn(ctx, pooled, s);
}

/** The residual branch of one block, for ResNet-18 (basic) or ResNet-50 (bottleneck). */
export function branch(store: ParamStore, name: string, config: ModelConfig, inC: number, width: number, stride: number): { layers: ConvBn[]; outC: number } {
  if (config.family === 'resnet18') {
    return {
      layers: [convBn(store, `${name}.1`, 3, inC, width, stride), convBn(store, `${name}.2`, 3, width, width, 1, true)],
      outC: width,
    };
  }
  const outC = width * BOTTLENECK_EXPANSION;
  const [s1, s3] = config.resnetB ? [1, stride] : [stride, 1];
  return {
    layers: [
      convBn(store, `${name}.1`, 1, inC, width, s1),
      convBn(store, `${name}.2`, 3, width, width, s3),
      convBn(store, `${name}.3`, 1, width, outC, 1, true),
    ],
    outC,
  };
}

/** Builds ResNet-18 or ResNet-50 (config.family) for `numClasses` with seeded initialisation. */
export function createImagenetResnet(config: ModelConfig, numClasses: number, rng: Rng): Model {
  if (config.family !== 'resnet18' && config.family !== 'resnet50') throw new Error(`model.family: '${config.family}' is not an ImageNet-style ResNet`);
  const store = new ParamStore(rng);
  const w = (c: number): number => scaledWidth(c, config.widthMultiplier);
  const stemWidth = w(IMAGENET_WIDTHS[0]);
  const stem: ConvBn[] = config.resnetC
    ? [convBn(store, 'stem.1', 3, 3, w(32), 1), convBn(store, 'stem.2', 3, w(32), w(32), 1), convBn(store, 'stem.3', 3, w(32), stemWidth, 1)]
    : [convBn(store, 'stem', 3, 3, stemWidth, 1)];
  const blocks: Block[] = [];
  const counts = config.family === 'resnet18' ? RESNET18_BLOCKS : RESNET50_BLOCKS;
  let inC = stemWidth;
  IMAGENET_WIDTHS.forEach((base, stage) => {
    for (let i = 0; i < counts[stage]; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const name = `stage${stage + 1}.block${i + 1}`;
      const { layers, outC } = branch(store, name, config, inC, w(base), stride);
      const needsProjection = config.skipConnections && (stride !== 1 || inC !== outC);
      blocks.push({
        layers,
        se: config.se ? createSe(store, `${name}.se`, outC) : null,
        shortcut: needsProjection ? projection(store, name, inC, outC, stride, config.resnetD) : null,
      });
      inC = outC;
    }
  });
  const head = store.dense('fc', inC, numClasses);

  const forward = (x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D => {
    let h = x;
    for (const l of stem) h = activation(ctx, applyConvBn(ctx, h, l), config.activation);
    for (const b of blocks) {
      let y = h;
      b.layers.forEach((l, i) => {
        y = applyConvBn(ctx, y, l);
        if (i < b.layers.length - 1) y = activation(ctx, y, config.activation);
      });
      if (b.se) y = squeezeExcite(ctx, y, b.se);
      if (config.skipConnections) y = residualAdd(ctx, y, shortcutForward(ctx, h, b.shortcut));
      h = activation(ctx, y, config.activation);
    }
    return classifierHead(ctx, h, head);
  };

  return { params: store.params, buffers: store.buffers, forward };
}
