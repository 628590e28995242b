/**
 * Linear scaling learning rate (He et al. 2019, §3.1 "Large-batch training"; Goyal et al.
 * 2017): a larger batch gives a gradient of lower variance, so the learning rate can grow in
 * proportion to it. The paper's rule for ResNet-50 is η = 0.1 × b / 256; both the rate per
 * reference batch and the reference batch are parameters here.
 */
import type { Params, Trick } from './types';

/** The scaled initial learning rate: `lrPerReference · batchSize / referenceBatch`. */
export function linearScaledLr(batchSize: number, p: Params): number {
  return (p.lrPerReference * batchSize) / p.referenceBatch;
}

/** Replaces the config's base LR by 0.1 × batch / 256 (by default). */
export const linearScaling: Trick = {
  id: 'linearScaling',
  name: 'Linear scaling learning rate',
  explanation: 'Sets the initial learning rate in proportion to the batch size: 0.1 × batch / 256, so larger batches take larger steps.',
  reference: 'He et al. 2019, §3.1; Goyal et al. 2017',
  params: [
    { key: 'lrPerReference', label: 'LR per reference batch', default: 0.1, min: 1e-4, max: 10, step: 0.01, unit: 'learning rate' },
    { key: 'referenceBatch', label: 'Reference batch', default: 256, min: 1, max: 8192, integer: true, unit: 'images' },
  ],
  phases: ['schedule'],
  baseLr: (_lr, p, ctx) => linearScaledLr(ctx.config.optim.batchSize, p),
};
