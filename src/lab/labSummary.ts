/**
 * The results table's rows, computed once per change of the lab's runs or reference and never
 * while React renders: the summary subscribes to the lab controller, recomputes in the change
 * notification when (and only when) the runs or the reference changed, and hands React the
 * cached value through useSyncExternalStore. With thousands of configs the work (keying each
 * new run's config by canonical JSON, then one row per config) is cut into slices of
 * `sliceSize` runs or rows, one per task, so the main thread stays responsive, and the rows
 * appear when it is done; a small lab is summarised at once. A notice, a plan edit or a queue
 * toggle leaves the summary as it was.
 */
import { groupKeyCached, groupRuns, runGroupKey, summaryPlan, summaryRow, type GroupSummary } from '../engine/lab/summary';
import type { LabRun } from '../engine/lab/types';

export interface LabSummary {
  rows: GroupSummary[];
  /** Each config's runs, by group key. */
  runsByKey: ReadonlyMap<string, readonly LabRun[]>;
}

export interface LabSummaryStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): LabSummary;
}

interface Source {
  subscribe(listener: () => void): () => void;
  getSnapshot(): { runs: readonly LabRun[]; referenceKey: string | null };
}

export interface LabSummaryOptions {
  /** Runs keyed per task when many are new. */
  sliceSize?: number;
  /** Runs `task` later, in a task of its own. */
  defer?: (task: () => void) => void;
}

export function createLabSummary(source: Source, opts: LabSummaryOptions = {}): LabSummaryStore {
  const sliceSize = opts.sliceSize ?? 250;
  const defer = opts.defer ?? ((task: () => void) => void setTimeout(task, 0));
  const listeners = new Set<() => void>();
  let unsubscribe: (() => void) | null = null;
  let runs: readonly LabRun[] | null = null;
  let referenceKey: string | null = null;
  let value: LabSummary = { rows: [], runsByKey: new Map() };
  /** The latest change being worked on; an older slice stops when a newer change arrives. */
  let job = 0;

  /** The work of one change, paused (yield) after every slice. */
  function* work(next: { runs: readonly LabRun[]; referenceKey: string | null }): Generator<void, LabSummary> {
    const unkeyed = next.runs.filter((r) => !groupKeyCached(r));
    for (let i = 0; i < unkeyed.length; i++) {
      runGroupKey(unkeyed[i]);
      if ((i + 1) % sliceSize === 0 && i + 1 < unkeyed.length) yield;
    }
    const byKey = groupRuns(next.runs);
    const plan = summaryPlan(byKey, next.referenceKey);
    const rows: GroupSummary[] = [];
    for (const [key, group] of byKey) {
      rows.push(summaryRow(plan, key, group));
      if (rows.length % sliceSize === 0 && rows.length < byKey.size) yield;
    }
    return { rows, runsByKey: byKey };
  }
  const update = (notify: boolean) => {
    const next = source.getSnapshot();
    if (next.runs === runs && next.referenceKey === referenceKey) return;
    const mine = ++job;
    const steps = work(next);
    const step = (): boolean => {
      if (mine !== job) return false;
      const r = steps.next();
      if (!r.done) return false;
      runs = next.runs;
      referenceKey = next.referenceKey;
      value = r.value;
      return true;
    };
    // A small change is done in this task; a big one goes on in later tasks, a slice each.
    if (step()) {
      if (notify) for (const l of listeners) l();
      return;
    }
    const later = () => {
      if (mine !== job) return;
      if (step()) for (const l of listeners) l();
      else defer(later);
    };
    defer(later);
  };
  update(false);
  return {
    subscribe(listener) {
      listeners.add(listener);
      unsubscribe ??= source.subscribe(() => update(true));
      // A change between the first read and this subscription is caught up now.
      update(true);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
    getSnapshot: () => value,
  };
}
