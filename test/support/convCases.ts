/**
 * Conv layer geometries for the tests of our conv kernels (forward, input gradient, filter
 * gradient), each run against tfjs's CPU kernel with a GPU's work layout and with SwiftShader's.
 */
import type { ConvPadding } from '../../src/engine/kernels/conv2d';

/** One conv layer: x [batch, size, size, inC], a k×k filter to outC channels. */
export interface ConvCase {
  name: string;
  batch: number;
  size: number;
  inC: number;
  outC: number;
  k: number;
  stride: 1 | 2;
  pad: ConvPadding;
}

/** 3×3 'same' at stride 1 as explicit pads, the way the models pass them. */
export const PAD1: ConvPadding = [[0, 0], [1, 1], [1, 1], [0, 0]];

/** Output side of a case's forward conv, as tfjs computes it (explicit pads here are symmetric). */
export function convOutSize(c: ConvCase): number {
  if (c.pad === 'same') return Math.ceil(c.size / c.stride);
  const p = c.pad === 'valid' ? 0 : typeof c.pad === 'number' ? c.pad : c.pad[1][0];
  return Math.floor((c.size + 2 * p - c.k) / c.stride) + 1;
}

/** Each case with a GPU's work layout and with SwiftShader's (setAdapterClass 'gpu' and 'cpu'). */
export function withBothLayouts(cases: readonly ConvCase[]): (readonly [ConvCase, 'gpu' | 'cpu'])[] {
  return cases.flatMap((c) => (['gpu', 'cpu'] as const).map((a) => [c, a] as const));
}
