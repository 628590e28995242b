/**
 * Linear scaling learning rate (He et al. 2019, §3.1 "Large-batch training"; Goyal et al.
 * 2017): a larger batch gives a gradient of lower variance, so the learning rate can grow in
 * proportion to it. The paper's rule for ResNet-50 is η = 0.1 × b / 256; both the rate per
 * reference batch and the reference batch are parameters here, offered as the two published
 * recipes: 0.1 per 256 (He et al. 2019, ImageNet) and 0.1 per 128 (He et al. 2016, CIFAR).
 * The rule is only tested away from its reference batch, where it changes nothing: the lab's
 * planner says so and offers the large-batch design (lab/linearScalingPlan.ts).
 */
import type { Params, Trick, TrickRecipe } from './types';

/** The scaled initial learning rate: `lrPerReference · batchSize / referenceBatch`. */
export function linearScaledLr(batchSize: number, p: Params): number {
  return (p.lrPerReference * batchSize) / p.referenceBatch;
}

/** The two published settings (learning rate per reference batch of images). */
export const LINEAR_SCALING_RECIPES: readonly TrickRecipe[] = [
  { label: '0.1 per 256', source: 'He et al. 2019, §3.1, ImageNet ResNet-50', params: { lrPerReference: 0.1, referenceBatch: 256 } },
  { label: '0.1 per 128', source: 'He et al. 2016, §4.2, CIFAR ResNet at batch 128', params: { lrPerReference: 0.1, referenceBatch: 128 } },
];

/** Replaces the config's base LR by 0.1 × batch / 256 (by default). */
export const linearScaling: Trick = {
  id: 'linearScaling',
  name: 'Linear scaling learning rate',
  explanation:
    'Sets the initial learning rate in proportion to the batch size: 0.1 × batch / 256 (He et al. 2019) or 0.1 × batch / 128 (the CIFAR recipe), so larger batches take larger steps; at the reference batch it changes nothing.',
  reference: 'He et al. 2019, §3.1; Goyal et al. 2017',
  params: [
    { key: 'lrPerReference', label: 'LR per reference batch', default: 0.1, min: 1e-4, max: 10, step: 0.01, unit: 'learning rate' },
    { key: 'referenceBatch', label: 'Reference batch', default: 256, min: 1, max: 8192, integer: true, unit: 'images' },
  ],
  recipes: LINEAR_SCALING_RECIPES,
  phases: ['schedule'],
  baseLr: (_lr, p, ctx) => linearScaledLr(ctx.config.optim.batchSize, p),
};
