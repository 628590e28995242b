/**
 * The lab's starting baseline: small enough that "baseline + each trick alone, 2 seeds"
 * finishes in minutes on a laptop GPU (ResNet-20 at half width on 2,000 images, 5 epochs,
 * He et al. 2016's SGD settings otherwise), so a first ablation gives a result while the user
 * watches; every field can be changed in the planner.
 */
import { makeConfig } from '../engine/config';

export const DEFAULT_LAB_BASELINE = makeConfig({
  name: 'baseline',
  model: { depth: 20, widthMultiplier: 0.5 },
  data: { trainLimit: 2000, valLimit: 500 },
  optim: { batchSize: 128 },
  run: { epochs: 5, seed: 1 },
});
