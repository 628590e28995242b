/**
 * Zero γ (He et al. 2019, §3.1 "Large-batch training"; Goyal et al. 2017): initialise γ = 0
 * in the last BatchNorm of every residual block, so each block starts as the identity (its
 * residual branch outputs β = 0) and the network behaves as if it had fewer layers at first,
 * which makes early training easier. Only those γs change; every other BatchNorm keeps γ = 1.
 */
import * as tf from '@tensorflow/tfjs';
import { zeroGammaInfo } from './catalog';
import type { ParamInfo, Trick } from './types';

/** The γ parameters zero-γ acts on: the last BatchNorm of each residual block. */
export function zeroGammaTargets(params: ParamInfo[]): ParamInfo[] {
  return params.filter((p) => p.kind === 'bn-gamma' && p.lastBnInBlock === true);
}

/** γ = 0 in the last BatchNorm of each residual block. */
export const zeroGamma: Trick = {
  ...zeroGammaInfo,
  initialize: (params) => {
    tf.tidy(() => {
      for (const p of zeroGammaTargets(params)) p.variable.assign(tf.zerosLike(p.variable));
    });
  },
};
