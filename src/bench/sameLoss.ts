/**
 * The bench's correctness gate: before anything is timed, our kernels and tfjs's stock ones
 * train the same network from the same seed on the same batch, and their losses must agree for
 * the first SAME_LOSS_STEPS steps. Both are fp32; they differ only in summation order (split-K
 * filter gradients, two-pass BatchNorm sums), which moves a loss by about 1e-6 relative per step,
 * so the tolerance below leaves room for that and still catches a different network (a missing
 * ReLU changes the very first loss by percent). FP16 runs get a looser one (SAME_LOSS_TOLERANCE_FP16).
 */

/** Steps compared. */
export const SAME_LOSS_STEPS = 5;

/** Step i passes when |custom − stock| ≤ atol + rtol·|stock|. */
export const SAME_LOSS_TOLERANCE = { atol: 1e-4, rtol: 1e-3 } as const;

/**
 * The same with FP16 (emulated): every layer output is rounded to 11 significant bits, so a
 * value that the two sets sum in another order can round to the neighbouring half (2^-11 ≈
 * 4.9e-4 relative) and the runs drift apart faster: 1.1e-3 (0.3 %) at step 5 on ResNet-8 batch 8.
 * Still far from a different network's percents.
 */
export const SAME_LOSS_TOLERANCE_FP16 = { atol: 1e-3, rtol: 1e-2 } as const;

/** The bound a run is checked against: |Δ| ≤ atol + rtol·|stock|. */
export type SameLossTolerance = { readonly atol: number; readonly rtol: number };

/** The tolerance for a run in FP32 or in (emulated) FP16. */
export function sameLossTolerance(fp16: boolean): SameLossTolerance {
  return fp16 ? SAME_LOSS_TOLERANCE_FP16 : SAME_LOSS_TOLERANCE;
}

export interface SameLossResult {
  /** Largest |custom − stock| over the compared steps. */
  maxAbsDiff: number;
  /** Largest |custom − stock| / |stock|. */
  maxRelDiff: number;
}

/**
 * Compares two loss traces step by step; throws naming the first step outside the tolerance
 * (or a non-finite loss), else returns the largest deviations. `label` names the configuration.
 */
export function checkSameLoss(custom: number[], stock: number[], label: string, tolerance: SameLossTolerance = SAME_LOSS_TOLERANCE): SameLossResult {
  if (custom.length !== stock.length || custom.length === 0) {
    throw new Error(`${label}: loss traces differ in length (custom ${custom.length}, stock ${stock.length} steps)`);
  }
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (let i = 0; i < custom.length; i++) {
    const [c, s] = [custom[i], stock[i]];
    if (!Number.isFinite(c) || !Number.isFinite(s)) throw new Error(`${label}: step ${i + 1} loss is not finite (custom ${c}, stock ${s})`);
    const diff = Math.abs(c - s);
    const bound = tolerance.atol + tolerance.rtol * Math.abs(s);
    if (diff > bound) {
      throw new Error(
        `${label}: custom and stock kernels disagree at step ${i + 1}: loss ${c} vs ${s} ` +
          `(|Δ| ${diff.toExponential(2)} > ${bound.toExponential(2)} = ${tolerance.atol} + ${tolerance.rtol}·|stock|); ` +
          'they are not training the same network, so their speeds are not comparable',
      );
    }
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    maxRelDiff = Math.max(maxRelDiff, s === 0 ? 0 : diff / Math.abs(s));
  }
  return { maxAbsDiff, maxRelDiff };
}
