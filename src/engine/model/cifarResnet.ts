/**
 * The CIFAR ResNet of He et al. 2016 ("Deep Residual Learning for Image Recognition", §4.2):
 * a 3×3 stem, three stages of n basic blocks at widths 16/32/64 (× a width multiplier), stride 2
 * on the first 3×3 conv of stages 2 and 3, global average pool and a dense classifier; depth 6n+2.
 * Downsampling shortcuts are a lever (model.shortcut): the paper's option A (§4.2: subsample by
 * 2, zero-pad the new channels, no parameters: ResNet-20 has 0.27 M parameters), or option B
 * (§3.3: a stride-2 1×1 conv and BatchNorm, the projection of the ImageNet ResNets). ResNet-D
 * (He et al. 2019, §4.1) modifies option B only: a 2×2 average pool (stride 2) then a stride-1
 * 1×1 conv, so its Δ against option B is the paper's tweak alone. Other levers: activation, SE
 * modules (Hu et al. 2018, reduction 16), and skip connections off for the plain network.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import type { Rng } from '../rng';
import { zeroPadShortcut, zeroPadShortcutTee } from '../kernels/zeroPadShortcut';
import { activation, avgPool, batchNorm, batchNormAct, batchNormAddRelu, classifierHead, conv2d, ParamStore, residualAdd, type BnLayer, type ForwardContext } from './layers';
import { createSe, squeezeExcite, type SeParams } from './se';
import type { Model } from './types';

/** A block's shortcut: identity, option A (zero-pad) or option B (projection, ResNet-D: pooled first). */
export type Shortcut =
  | { kind: 'identity' }
  | { kind: 'zero-pad'; stride: number; outC: number }
  | { kind: 'projection'; conv: tf.Variable; bn: BnLayer; stride: number; avgPool: boolean };

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

/**
 * The shortcut's output for block input `x`. Option A keeps every `stride`-th pixel from (0, 0)
 * and puts the input channels in the middle: ⌊extra/2⌋ zero channels before, the rest after
 * (the common CIFAR code pads planes/4 on each side, the same for 16→32→64).
 */
export function shortcutForward(ctx: ForwardContext, x: tf.Tensor4D, s: Shortcut): tf.Tensor4D {
  if (s.kind === 'identity') return x;
  // Subsampling and zero channels are exact: nothing to round.
  if (s.kind === 'zero-pad') return zeroPadShortcut(x, s.stride, s.outC, ctx.kernels);
  if (s.avgPool && s.stride > 1) return batchNorm(ctx, conv2d(ctx, avgPool(ctx, x, s.stride), s.conv, 1), s.bn);
  return batchNorm(ctx, conv2d(ctx, x, s.conv, s.stride), s.bn);
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
        shortcut: { kind: 'identity' },
      };
      // The plain network (no skip connections) has no shortcuts, so no projection parameters.
      if (config.skipConnections && (stride !== 1 || inC !== outC)) {
        block.shortcut =
          config.shortcut === 'projection'
            ? { kind: 'projection', conv: store.conv(`${name}.shortcut.conv`, 1, inC, outC), bn: store.bn(`${name}.shortcut.bn`, outC), stride, avgPool: config.resnetD }
            : { kind: 'zero-pad', stride, outC };
      }
      blocks.push(block);
      inC = outC;
    }
  });
  const head = store.dense('fc', inC, numClasses);

  // A block whose input goes to its identity shortcut as well as its first conv takes that input
  // as a Teed pair from the layer before, so the two gradients meet inside that layer's backward
  // pass rather than in a tape add.
  const sharedInput = (i: number): boolean => i < blocks.length && config.skipConnections && blocks[i].shortcut.kind === 'identity';

  const forward = (x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D => {
    let [h, second] = batchNormAct(ctx, conv2d(ctx, x, stem.conv, 1), stem.bn, config.activation, sharedInput(0));
    blocks.forEach((b, i) => {
      // Option A's shortcut comes with the conv's input from one kernel (zeroPadShortcutTee), so
      // the block input's two gradients are summed in its backward pass, not by a tape add.
      const [input, zeroPad] = b.shortcut.kind === 'zero-pad' ? zeroPadShortcutTee(h, b.shortcut.stride, b.shortcut.outC, ctx.kernels) : [h, null];
      const shortcut = (): tf.Tensor4D => zeroPad ?? (b.shortcut.kind === 'identity' ? second : shortcutForward(ctx, h, b.shortcut));
      const [y1] = batchNormAct(ctx, conv2d(ctx, input, b.conv1, b.stride), b.bn1, config.activation);
      const z = conv2d(ctx, y1, b.conv2, 1);
      if (config.skipConnections && !b.se && config.activation === 'relu') {
        [h, second] = batchNormAddRelu(ctx, z, b.bn2, shortcut(), sharedInput(i + 1));
        return;
      }
      let y = batchNorm(ctx, z, b.bn2);
      if (b.se) y = squeezeExcite(ctx, y, b.se);
      if (config.skipConnections) y = residualAdd(ctx, y, shortcut());
      h = activation(ctx, y, config.activation);
      second = h;
    });
    return classifierHead(ctx, h, head);
  };

  return { params: store.params, buffers: store.buffers, forward };
}
