import { describe, expect, it } from 'vitest';
import { fakeResult, labRun, tinyConfig } from '../../test/support/testRuns';
import { forgetCheckpoint, forgetRuns, hasUnsaved, HEALTHY, openFailed, saveFailed, saveSucceeded, storageBanner } from './storageHealth';

const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');

const run = (id: string, finished: boolean) => labRun(id, tinyConfig, finished ? fakeResult(tinyConfig, 0.3) : null);

describe('storage health', () => {
  it('marks what a failed write held, and clears it when a later write of the same goes through', () => {
    let h = saveFailed(HEALTHY, { kind: 'runs', ids: ['a', 'b'] }, quota);
    h = saveFailed(h, { kind: 'runs', ids: ['b', 'c'] }, quota);
    h = saveFailed(h, { kind: 'weights', id: 'a' }, quota);
    h = saveFailed(h, { kind: 'meta' }, quota);
    expect(h).toEqual({ problem: { kind: 'full', headline: 'Browser storage is full' }, inMemory: false, unsavedRuns: ['a', 'b', 'c'], unsavedWeights: ['a'], unsavedCheckpoints: [], metaUnsaved: true });
    h = saveSucceeded(h, { kind: 'runs', ids: ['a', 'b'] });
    h = saveSucceeded(h, { kind: 'meta' });
    expect(h.unsavedRuns).toEqual(['c']);
    expect(h.problem?.kind).toBe('full');
    h = saveSucceeded(h, { kind: 'weights', id: 'a' });
    h = forgetRuns(h, ['c']);
    expect(h).toEqual(HEALTHY);
    expect(hasUnsaved(h)).toBe(false);
  });

  it('a checkpoint that failed no longer matters once its run ended', () => {
    const h = saveFailed(HEALTHY, { kind: 'checkpoint', id: 'a' }, new Error('disk error'));
    expect(h.problem).toEqual({ kind: 'other', headline: 'Could not save the lab (disk error)' });
    expect(forgetCheckpoint(h, 'a')).toEqual(HEALTHY);
  });

  it('storage that never opened stays a problem with nothing marked', () => {
    const h = openFailed(HEALTHY, new DOMException('The operation is insecure.', 'SecurityError'));
    expect(h).toMatchObject({ inMemory: true, problem: { kind: 'unavailable', headline: 'Browser storage is unavailable' } });
    expect(openFailed(HEALTHY, new Error('weird')).problem?.kind).toBe('unavailable');
    expect(forgetRuns(h, ['a']).problem?.kind).toBe('unavailable');
  });
});

describe('storage banner', () => {
  const runs = [run('a', true), run('b', true), run('q', false)];

  it('is absent while everything is saved', () => {
    expect(storageBanner(HEALTHY, runs)).toBeNull();
  });

  it('counts the finished runs a closed tab would lose, and what else is at risk', () => {
    let h = saveFailed(HEALTHY, { kind: 'runs', ids: ['a', 'b', 'q'] }, quota);
    h = saveFailed(h, { kind: 'weights', id: 'a' }, quota);
    h = saveFailed(h, { kind: 'checkpoint', id: 'q' }, quota);
    expect(storageBanner(h, runs)).toEqual({
      headline: 'Browser storage is full',
      exportable: 2,
      lines: [
        '2 finished runs are not saved and will be lost when you close this tab.',
        "The weights of 1 run are not saved: after a reload it can't be used as a teacher or inspected.",
        "The latest checkpoint of 1 running run is not saved: after a reload it can't resume from there (training goes on).",
        'Changes to 1 other run are not saved.',
      ],
    });
    const one = saveFailed(HEALTHY, { kind: 'runs', ids: ['b'] }, quota);
    expect(storageBanner(one, runs)?.lines).toEqual(['1 finished run is not saved and will be lost when you close this tab.']);
  });

  it('in memory, says runs live only in this tab', () => {
    const h = openFailed(HEALTHY, new DOMException('The operation is insecure.', 'SecurityError'));
    expect(storageBanner(h, [])).toEqual({
      headline: 'Browser storage is unavailable',
      exportable: 0,
      lines: ['Runs live only in this tab. They will be lost when you close or reload it; export them to keep them. Queueing and running still work.'],
    });
    expect(storageBanner(h, runs)?.lines[0]).toBe('Runs live only in this tab. 2 finished runs are not saved and will be lost when you close or reload it; export them to keep them. Queueing and running still work.');
  });
});
