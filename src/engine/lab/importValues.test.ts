// Imports hold only possible values: each impossible metric the lab once took in (valTop1 = 5
// shown as 500.0%, −3, top-5 = 7, top-5 below top-1, a negative wall time or img/s, a negative
// loss, epochs out of order) is refused with the field's path; null (NaN) and edge values pass.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../results';
import { buildExport } from './exportFormat';
import { ImportError, parseImport } from './importLab';
import { fakeResult, labRun, testEnvironment, tinyConfig } from '../../../test/support/testRuns';

type Edit = (r: RunResult) => void;

/** A lab export of one run, `edit`ed after it was built (as a hand-edited file would be). */
function exportWith(edit: Edit): string {
  const file = buildExport(null, [labRun('run-1', tinyConfig, fakeResult(tinyConfig, 0.5, { valTop5: 0.8 }))], { backend: testEnvironment.backend, userAgent: 'vitest', runtime: 'node' }, new Date(0));
  const copy = JSON.parse(JSON.stringify(file));
  edit(copy.runs[0].result);
  return JSON.stringify(copy);
}

function refusal(edit: Edit): string {
  try {
    parseImport(exportWith(edit), 'lab.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
}

const R = 'lab.json was not imported: field runs.0.result.';

describe('import value ranges', () => {
  it('accepts the run as exported, with null metrics and values at the edges', () => {
    expect(parseImport(exportWith(() => undefined), 'lab.json').runs).toHaveLength(1);
    const edges = parseImport(
      exportWith((r) => {
        Object.assign(r.epochs[0], { valTop1: 0, valTop5: 1, trainAccuracy: 1, trainLoss: 0, seconds: 0, imagesPerSecond: 0 });
        Object.assign(r.final!, { valTop1: 1, valTop5: 1, bestValTop1: 1 });
        r.steps[0].loss = null as unknown as number;
        r.timings.wallSeconds = 0;
      }),
      'lab.json',
    );
    expect(Number.isNaN(edges.runs[0].steps[0].loss)).toBe(true);
  });

  it('refuses accuracies outside [0, 1] with the field and the value', () => {
    expect(refusal((r) => (r.epochs[0].valTop1 = 5))).toBe(`${R}epochs.0.valTop1: must be from 0 to 1 (got 5).`);
    expect(refusal((r) => (r.epochs[0].valTop1 = -3))).toBe(`${R}epochs.0.valTop1: must be from 0 to 1 (got -3).`);
    expect(refusal((r) => (r.epochs[0].valTop5 = 7))).toBe(`${R}epochs.0.valTop5: must be from 0 to 1 (got 7).`);
    expect(refusal((r) => (r.epochs[0].trainAccuracy = 1.01))).toBe(`${R}epochs.0.trainAccuracy: must be from 0 to 1 (got 1.01).`);
    expect(refusal((r) => (r.final!.bestValTop1 = 50))).toBe(`${R}final.bestValTop1: must be from 0 to 1 (got 50).`);
  });

  it('refuses top-5 below top-1', () => {
    expect(refusal((r) => (r.epochs[0].valTop5 = 0.4))).toBe(`${R}epochs.0.valTop5: is 0.4, below valTop1 (0.5); top-5 accuracy is at least top-1.`);
    expect(refusal((r) => (r.final!.valTop5 = 0.2))).toBe(`${R}final.valTop5: is 0.2, below valTop1 (0.5); top-5 accuracy is at least top-1.`);
  });

  it('refuses negative losses, times and rates', () => {
    expect(refusal((r) => (r.steps[0].loss = -0.5))).toBe(`${R}steps.0.loss: must be from 0 to any size (got -0.5).`);
    expect(refusal((r) => (r.epochs[0].valLoss = -1))).toBe(`${R}epochs.0.valLoss: must be from 0 to any size (got -1).`);
    expect(refusal((r) => (r.timings.wallSeconds = -10))).toBe(`${R}timings.wallSeconds: must be from 0 to any size (got -10).`);
    expect(refusal((r) => (r.timings.imagesPerSecond = -32))).toBe(`${R}timings.imagesPerSecond: must be from 0 to any size (got -32).`);
    expect(refusal((r) => (r.epochs[0].imagesPerSecond = -1))).toBe(`${R}epochs.0.imagesPerSecond: must be from 0 to any size (got -1).`);
    expect(refusal((r) => (r.epochs[0].seconds = -2))).toBe(`${R}epochs.0.seconds: must be from 0 to any size (got -2).`);
  });

  it('refuses epochs and steps that do not count up', () => {
    const twoEpochs: Edit = (r) => r.epochs.push({ ...r.epochs[0] });
    expect(refusal(twoEpochs)).toBe(`${R}epochs.1.epoch: is 1 after epoch 1; epochs count up.`);
    expect(refusal((r) => r.epochs.unshift({ ...r.epochs[0], epoch: 2 }))).toBe(`${R}epochs.1.epoch: is 1 after epoch 2; epochs count up.`);
    expect(refusal((r) => r.steps.push({ ...r.steps[0] }))).toBe(`${R}steps.1.step: is 1 after step 1; steps count up.`);
    expect(refusal((r) => r.steps.unshift({ ...r.steps[0], step: 0 }))).toBe(`${R}steps.0.step: must be a whole number from 1 to 1000000000.`);
    expect(refusal((r) => r.steps.push({ ...r.steps[0], step: 2, epoch: 3 }, { ...r.steps[0], step: 3, epoch: 2 }))).toBe(`${R}steps.2.epoch: is 2 after epoch 3; epochs count up.`);
  });

  it('checks a single run result (npm run train) the same way', () => {
    const result = fakeResult(tinyConfig, 0.5, { valTop5: 0.8 });
    result.epochs[0].valTop1 = 5;
    expect(() => parseImport(JSON.stringify(result), 'results.json')).toThrow('results.json was not imported: field epochs.0.valTop1: must be from 0 to 1 (got 5).');
  });
});
