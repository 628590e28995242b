/**
 * Every trick, in the order the training loop applies them within a phase. The UI toggles and
 * the contract tests are generated from this list.
 */
import type { Trick } from './types';

export const TRICKS: readonly Trick[] = [];

/** Looks a trick up by id. */
export function getTrick(id: string): Trick | undefined {
  return TRICKS.find((t) => t.id === id);
}
