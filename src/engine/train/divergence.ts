/**
 * When a run has diverged: its training loss is NaN or ±Infinity, or has grown past
 * DIVERGENCE_FACTOR times its start. A large learning rate can blow a loss up to 1e11 or 1e300
 * without ever reaching Infinity, and such a run would otherwise "finish" with weights that mean
 * nothing. The start is the cross-entropy of a uniform guess, ln(classes), where every run
 * begins (zero-mean logits at initialisation); the first logged loss is not used, since at a
 * large learning rate it is already the mean over an exploding window.
 */

/**
 * 1e4 × the start (2.3e4 for 10 classes): far above any healthy spike (a loss spike in a
 * warmup-less large-batch run stays within about 10× of the start), and a loss so large means
 * logits apart by about 10^4, where the softmax is saturated and SGD does not bring the weights
 * back within a run; yet it is caught long before Infinity, with a value that says what happened.
 */
export const DIVERGENCE_FACTOR = 1e4;

/** The loss a run starts near: cross-entropy of a uniform guess over `numClasses` (at least two). */
export function startingLoss(numClasses: number): number {
  return Math.log(Math.max(2, numClasses));
}

/** A loss for a message: 2.31, 6.8e+11, NaN. */
function show(loss: number): string {
  return Number.isFinite(loss) && Math.abs(loss) >= 1e4 ? loss.toExponential(1) : String(Number(loss.toPrecision(3)));
}

/** Why a run with this training loss has diverged, or null when it has not. */
export function divergence(loss: number, numClasses: number): string | null {
  if (!Number.isFinite(loss)) return `the training loss is ${loss}`;
  const start = startingLoss(numClasses);
  if (loss <= DIVERGENCE_FACTOR * start) return null;
  return `the training loss is ${show(loss)}, more than ${DIVERGENCE_FACTOR.toLocaleString('en-US')} times its start (${start.toFixed(2)}, a uniform guess over ${Math.max(2, numClasses)} classes)`;
}
