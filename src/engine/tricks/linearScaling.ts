/**
 * Linear scaling learning rate (He et al. 2019, §3.1 "Large-batch training"; Goyal et al.
 * 2017): a larger batch gives a gradient of lower variance, so the learning rate can grow in
 * proportion to it. The paper's rule for ResNet-50 is η = 0.1 × b / 256; both the rate per
 * reference batch and the reference batch are parameters here, offered as the two published
 * recipes: 0.1 per 256 (He et al. 2019, ImageNet) and 0.1 per 128 (He et al. 2016, CIFAR).
 * The rule is only tested away from its reference batch, where it changes nothing: the lab's
 * planner says so and offers the large-batch design (lab/linearScalingPlan.ts).
 */
import { linearScalingInfo } from './catalog';
import type { Params, Trick } from './types';

/** The scaled initial learning rate: `lrPerReference · batchSize / referenceBatch`. */
export function linearScaledLr(batchSize: number, p: Params): number {
  return (p.lrPerReference * batchSize) / p.referenceBatch;
}

/** Replaces the config's base LR by 0.1 × batch / 256 (by default). */
export const linearScaling: Trick = {
  ...linearScalingInfo,
  baseLr: (_lr, p, ctx) => linearScaledLr(ctx.config.optim.batchSize, p),
};
