import { describe, expect, it } from 'vitest';
import { fakeResult, labRun, tinyConfig } from '../../test/support/testRuns';
import type { LabRun } from '../engine/lab/types';
import { createLabSummary } from './labSummary';

/** A minimal lab: runs, a reference and a notice counter, with listeners. */
function fakeLab(runs: LabRun[]) {
  let state = { runs, referenceKey: null as string | null, notices: 0 };
  const listeners = new Set<() => void>();
  return {
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getSnapshot: () => state,
    set(patch: Partial<typeof state>) {
      state = { ...state, ...patch };
      for (const l of listeners) l();
    },
  };
}

const seed2 = { ...tinyConfig, run: { ...tinyConfig.run, seed: 2 } };

describe('createLabSummary', () => {
  it('recomputes only when the runs or the reference change, and notifies only then', () => {
    const lab = fakeLab([labRun('a', tinyConfig, fakeResult(tinyConfig, 0.5))]);
    const summary = createLabSummary(lab);
    let notified = 0;
    summary.subscribe(() => notified++);
    const first = summary.getSnapshot();
    expect(first.rows[0].finalTop1?.mean).toBe(0.5);
    expect(summary.getSnapshot()).toBe(first);

    lab.set({ notices: 1 });
    expect(notified).toBe(0);
    expect(summary.getSnapshot()).toBe(first);

    lab.set({ runs: [...lab.getSnapshot().runs, labRun('b', seed2, fakeResult(seed2, 0.7))] });
    expect(notified).toBe(1);
    const second = summary.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.rows[0].finalTop1?.mean).toBeCloseTo(0.6, 12);
    expect(second.runsByKey.get(second.rows[0].key)?.map((r) => r.id)).toEqual(['a', 'b']);

    lab.set({ referenceKey: 'nothing' });
    expect(notified).toBe(2);
  });
});
