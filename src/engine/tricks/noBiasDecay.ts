/**
 * No bias decay (He et al. 2019, §3.1 "Large-batch training"; Jia et al. 2018): L2 weight
 * decay (the same as weight decay for SGD) is applied only to the weights of convolution and
 * fully-connected layers; biases and the BatchNorm γ and β are left unregularised, since
 * decaying them does not reduce overfitting and can hurt.
 */
import { noBiasDecayInfo } from './catalog';
import type { ParamInfo, Trick } from './types';

/** True for the parameters that keep weight decay: conv filters and dense weights. */
export function isDecayedWeight(param: ParamInfo): boolean {
  return param.kind === 'conv' || param.kind === 'dense-weight';
}

/** Weight decay on conv and dense weights only. */
export const noBiasDecay: Trick = {
  ...noBiasDecayInfo,
  decays: (param) => isDecayedWeight(param),
};
