/**
 * The results table's rows, computed once per change of the lab's runs or reference and never
 * while React renders: the summary subscribes to the lab controller, recomputes in the change
 * notification when (and only when) the runs or the reference changed, and hands React the
 * cached value through useSyncExternalStore. With thousands of configs the grouping is the
 * costly part; a notice, a plan edit or a queue toggle leaves the summary as it was.
 */
import { groupRuns, summarise, type GroupSummary } from '../engine/lab/summary';
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

export function createLabSummary(source: Source): LabSummaryStore {
  let runs: readonly LabRun[] | null = null;
  let referenceKey: string | null = null;
  let value: LabSummary = { rows: [], runsByKey: new Map() };
  /** Recomputes when the inputs changed; says whether the value is new. */
  const refresh = (): boolean => {
    const s = source.getSnapshot();
    if (s.runs === runs && s.referenceKey === referenceKey) return false;
    runs = s.runs;
    referenceKey = s.referenceKey;
    value = { rows: summarise(s.runs, s.referenceKey), runsByKey: groupRuns(s.runs) };
    return true;
  };
  refresh();
  return {
    subscribe(listener) {
      return source.subscribe(() => {
        if (refresh()) listener();
      });
    },
    getSnapshot: () => value,
  };
}
