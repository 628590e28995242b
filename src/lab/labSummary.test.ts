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

const withSeed = (seed: number, lr = tinyConfig.optim.lr) => ({ ...tinyConfig, optim: { ...tinyConfig.optim, lr }, run: { ...tinyConfig.run, seed } });

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

    lab.set({ runs: [...lab.getSnapshot().runs, labRun('b', withSeed(2), fakeResult(withSeed(2), 0.7))] });
    expect(notified).toBe(1);
    const second = summary.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.rows[0].finalTop1?.mean).toBeCloseTo(0.6, 12);
    expect(second.runsByKey.get(second.rows[0].key)?.map((r) => r.id)).toEqual(['a', 'b']);

    lab.set({ referenceKey: 'nothing' });
    expect(notified).toBe(2);
  });

  it('keys many new runs and builds their rows in slices, one task each, and publishes once when done', () => {
    const lab = fakeLab([]);
    const tasks: (() => void)[] = [];
    const summary = createLabSummary(lab, { sliceSize: 10, defer: (t) => tasks.push(t) });
    let notified = 0;
    summary.subscribe(() => notified++);
    // 35 configs (distinct learning rates), slices of 10: keys 1–10 now, then tasks for keys 11–20,
    // 21–30, 31–35 with rows 1–10, rows 11–20, 21–30, 31–35: six.
    const many = Array.from({ length: 35 }, (_, i) => labRun(`r${i}`, withSeed(1, 0.01 + i / 1000), fakeResult(withSeed(1, 0.01 + i / 1000), 0.5)));
    lab.set({ runs: many });
    expect(summary.getSnapshot().rows).toEqual([]);
    let slices = 0;
    while (tasks.length) {
      tasks.shift()!();
      slices++;
    }
    expect(slices).toBe(6);
    expect(notified).toBe(1);
    expect(summary.getSnapshot().rows).toHaveLength(35);
  });

  it('a newer change supersedes slices still pending', () => {
    const lab = fakeLab([]);
    const tasks: (() => void)[] = [];
    const summary = createLabSummary(lab, { sliceSize: 5, defer: (t) => tasks.push(t) });
    summary.subscribe(() => undefined);
    const runsOf = (n: number, lr0: number) => Array.from({ length: n }, (_, i) => labRun(`x${lr0}-${i}`, withSeed(1, lr0 + i / 1000), fakeResult(withSeed(1, lr0 + i / 1000), 0.5)));
    lab.set({ runs: runsOf(20, 0.02) });
    tasks.shift()!();
    lab.set({ runs: runsOf(12, 0.5) });
    while (tasks.length) tasks.shift()!();
    expect(summary.getSnapshot().rows).toHaveLength(12);
  });
});
