/**
 * The CIFAR ResNet of He et al. 2016 ("Deep Residual Learning for Image Recognition", §4.2):
 * a 3×3 stem, three stages of n basic blocks at widths 16/32/64 (× a width multiplier), stride 2
 * at the start of stages 2 and 3, global average pool and a dense classifier; depth 6n+2.
 * Downsampling shortcuts are the paper's option A (subsample and zero-pad channels, no
 * parameters: ResNet-20 has 0.27 M parameters), or, with ResNet-D (He et al. 2019, §4.1), a 2×2
 * average pool then a 1×1 conv and BatchNorm. Levers: activation, SE modules (Hu et al. 2018,
 * reduction 16), and skip connections off for the plain network of the same depth.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import type { Rng } from '../rng';
import { activate, batchNorm, batchNormAct, conv2d, dense, ParamStore, type BnLayer, type ForwardContext } from './layers';
import { createSe, squeezeExcite, type SeParams } from './se';
import type { Model } from './types';

interface Shortcut {
  kind: 'identity' | 'option-a' | 'projection';
  conv?: tf.Variable;
  bn?: BnLayer;
  avgPool: boolean;
  stride: number;
  outC: number;
}

interface Block {
  conv1: tf.Variable;
  bn1: BnLayer;
  conv2: tf.Variable;
  bn2: BnLayer;
  stride: number;
  se: SeParams | null;
  shortcut: Shortcut;
}

/** Stage widths before the multiplier. */
export const CIFAR_WIDTHS = [16, 32, 64];

/** Channels after the width multiplier (at least 1). */
export function scaledWidth(base: number, multiplier: number): number {
  return Math.max(1, Math.round(base * multiplier));
}

function shortcutForward(ctx: ForwardContext, x: tf.Tensor4D, s: Shortcut): tf.Tensor4D {
  if (s.kind === 'identity') return x;
  if (s.kind === 'option-a') {
    // Subsample with a 1×1 stride-2 average pool (differentiable everywhere), then zero-pad channels.
    const sub = s.stride > 1 ? tf.avgPool(x, 1, s.stride, 'valid') : x;
    const extra = s.outC - x.shape[3];
    const before = Math.floor(extra / 2);
    return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [before, extra - before]]);
  }
  const pooled = s.avgPool && s.stride > 1 ? tf.avgPool(x, s.stride, s.stride, 'same') : x;
  const convStride = s.avgPool ? 1 : s.stride;
  return batchNorm(ctx, conv2d(ctx, pooled, s.conv as tf.Variable, convStride), s.bn as BnLayer);
}

/** Builds a CIFAR ResNet for `numClasses` with seeded initialisation. */
export function createCifarResnet(config: ModelConfig, numClasses: number, rng: Rng): Model {
  const n = (config.depth - 2) / 6;
  const store = new ParamStore(rng);
  const widths = CIFAR_WIDTHS.map((w) => scaledWidth(w, config.widthMultiplier));
  const stem = { conv: store.conv('stem.conv', 3, 3, widths[0]), bn: store.bn('stem.bn', widths[0]) };
  const blocks: Block[] = [];
  let inC = widths[0];
  widths.forEach((outC, stage) => {
    for (let i = 0; i < n; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const name = `stage${stage + 1}.block${i + 1}`;
      const block: Block = {
        conv1: store.conv(`${name}.conv1`, 3, inC, outC),
        bn1: store.bn(`${name}.bn1`, outC),
        conv2: store.conv(`${name}.conv2`, 3, outC, outC),
        bn2: store.bn(`${name}.bn2`, outC, true),
        stride,
        se: config.se ? createSe(store, `${name}.se`, outC) : null,
        shortcut: { kind: 'identity', avgPool: false, stride, outC },
      };
      // The plain network (no skip connections) has no shortcuts, so no projection parameters.
      if (config.skipConnections && (stride !== 1 || inC !== outC)) {
        if (config.resnetD) {
          block.shortcut = {
            kind: 'projection',
            conv: store.conv(`${name}.shortcut.conv`, 1, inC, outC),
            bn: store.bn(`${name}.shortcut.bn`, outC),
            avgPool: true,
            stride,
            outC,
          };
        } else {
          block.shortcut = { kind: 'option-a', avgPool: false, stride, outC };
        }
      }
      blocks.push(block);
      inC = outC;
    }
  });
  const head = store.dense('fc', inC, numClasses);

  const forward = (x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D => {
    let h = batchNormAct(ctx, conv2d(ctx, x, stem.conv, 1), stem.bn, config.activation);
    for (const b of blocks) {
      let y = batchNormAct(ctx, conv2d(ctx, h, b.conv1, b.stride), b.bn1, config.activation);
      y = batchNorm(ctx, conv2d(ctx, y, b.conv2, 1), b.bn2);
      if (b.se) y = squeezeExcite(ctx, y, b.se);
      if (config.skipConnections) y = tf.add(y, shortcutForward(ctx, h, b.shortcut));
      h = activate(y, config.activation);
    }
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return dense(ctx, pooled, head);
  };

  return { params: store.params, buffers: store.buffers, forward };
}
