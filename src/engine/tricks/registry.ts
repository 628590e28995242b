/**
 * Every trick, in the order of He et al. 2019 ("Bag of Tricks for Image Classification with
 * Convolutional Neural Networks": §3 efficient training, §5 training refinements), then CutMix
 * (Yun et al. 2019). This is also the order the training loop applies them within a phase
 * (warmup before cosine: warmup ends up the outer schedule). The UI toggles and the contract
 * tests are generated from this list.
 */
import { cosine } from './cosine';
import { cutmix } from './cutmix';
import { distillation } from './distillation';
import { fp16 } from './fp16';
import { labelSmoothing } from './labelSmoothing';
import { linearScaling } from './linearScaling';
import { mixup } from './mixup';
import { noBiasDecay } from './noBiasDecay';
import type { Trick } from './types';
import { warmup } from './warmup';
import { zeroGamma } from './zeroGamma';

export const TRICKS: readonly Trick[] = [
  linearScaling,
  warmup,
  zeroGamma,
  noBiasDecay,
  fp16,
  cosine,
  labelSmoothing,
  distillation,
  mixup,
  cutmix,
];

/** Looks a trick up by id. */
export function getTrick(id: string): Trick | undefined {
  return TRICKS.find((t) => t.id === id);
}
