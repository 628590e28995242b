/**
 * Values a run's results can actually take, checked on imported files after their shape: what
 * one field cannot say alone. Top-5 accuracy is at least top-1 (the top-1 class is among the top
 * five); epochs are numbered 1, 2, 3… in order, and logged steps count up. A file breaking one is
 * refused with the field's path, since its numbers would otherwise enter the table and the Δ
 * (a valTop1 of 5 showed as 500.0%). Ranges of single fields (accuracies in [0, 1], losses,
 * times and rates ≥ 0) are in the importer's shapes (importLab.ts).
 */
import type { RunResult } from '../results';
import { ShapeError } from './shape';

const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Throws ShapeError (with the dotted path) for the first impossible value of `result`. */
export function checkResultValues(result: RunResult, path: string): void {
  // null (NaN in JSON) is allowed wherever a metric is: a diverged run has some.
  const topFive = (top1: number | null, top5: number | null, where: string) => {
    if (top1 !== null && top5 !== null && top5 < top1) throw new ShapeError(at(where, 'valTop5'), `is ${top5}, below valTop1 (${top1}); top-5 accuracy is at least top-1`);
  };
  result.epochs.forEach((e, i) => {
    const where = at(path, `epochs.${i}`);
    topFive(e.valTop1, e.valTop5, where);
    const before = result.epochs[i - 1];
    if (before && e.epoch <= before.epoch) throw new ShapeError(at(where, 'epoch'), `is ${e.epoch} after epoch ${before.epoch}; epochs count up`);
  });
  result.steps.forEach((s, i) => {
    const before = result.steps[i - 1];
    if (before && s.step <= before.step) throw new ShapeError(at(path, `steps.${i}.step`), `is ${s.step} after step ${before.step}; steps count up`);
    if (before && s.epoch < before.epoch) throw new ShapeError(at(path, `steps.${i}.epoch`), `is ${s.epoch} after epoch ${before.epoch}; epochs count up`);
  });
  if (result.final) topFive(result.final.valTop1, result.final.valTop5, at(path, 'final'));
}
