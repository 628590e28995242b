/** The bench's same-loss gate: the tolerance it states, and the step it names when it fails. */
import { describe, expect, it } from 'vitest';
import { checkSameLoss, SAME_LOSS_TOLERANCE, sameLossTolerance } from './sameLoss';

describe('checkSameLoss', () => {
  it('states 1e-4 + 1e-3·|stock| and passes summation-order noise', () => {
    expect(SAME_LOSS_TOLERANCE).toEqual({ atol: 1e-4, rtol: 1e-3 });
    // Bound at loss 2.0: 1e-4 + 2e-3 = 2.1e-3; a 2.0e-3 difference is inside it.
    const r = checkSameLoss([2.3026, 2.002, 1.5], [2.3026, 2.0, 1.5], 'ResNet-20 batch 8');
    expect(r.maxAbsDiff).toBeCloseTo(0.002, 9);
    expect(r.maxRelDiff).toBeCloseTo(0.001, 9);
  });

  it('refuses a different network, naming the configuration and the first step outside', () => {
    // 2.0022 − 2.0 = 2.2e-3 > 2.1e-3 at step 2 (step 3 differs too, but step 2 is reported).
    expect(() => checkSameLoss([2.3026, 2.0022, 1.9], [2.3026, 2.0, 1.5], 'ResNet-20 batch 8')).toThrow(
      /ResNet-20 batch 8: custom and stock kernels disagree at step 2: loss 2\.0022 vs 2 .*not training the same network/,
    );
  });

  it('gives FP16 runs 1e-3 + 1e-2·|stock|: half-precision drift passes, a percent-level change does not', () => {
    const fp16 = sameLossTolerance(true);
    expect(fp16).toEqual({ atol: 1e-3, rtol: 1e-2 });
    expect(sameLossTolerance(false)).toBe(SAME_LOSS_TOLERANCE);
    // ResNet-8 batch 8 FP16, custom vs stock: 1.13e-3 apart at step 5 (bound 1e-3 + 4.05e-3).
    const drift = [0.40347, 0.40460];
    expect(() => checkSameLoss([drift[0]], [drift[1]], 'fp32')).toThrow(/disagree at step 1/);
    expect(checkSameLoss([drift[0]], [drift[1]], 'fp16', fp16).maxAbsDiff).toBeCloseTo(1.13e-3, 6);
    // 2.35 vs 2.30: 5e-2 > 1e-3 + 2.3e-2.
    expect(() => checkSameLoss([2.35], [2.3], 'ResNet-8 batch 8 FP16', fp16)).toThrow(/ResNet-8 batch 8 FP16: .*disagree at step 1.*0\.001 \+ 0\.01·\|stock\|/);
  });

  it('refuses non-finite losses and traces of different lengths', () => {
    expect(() => checkSameLoss([2.3, NaN], [2.3, 2.1], 'b')).toThrow(/b: step 2 loss is not finite \(custom NaN, stock 2\.1\)/);
    expect(() => checkSameLoss([2.3], [2.3, 2.1], 'c')).toThrow(/c: loss traces differ in length \(custom 1, stock 2 steps\)/);
    expect(() => checkSameLoss([], [], 'd')).toThrow(/d: loss traces differ in length/);
  });
});
