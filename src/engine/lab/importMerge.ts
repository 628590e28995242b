/**
 * Which runs of an imported file join the lab. A run whose id is already here is never imported
 * twice; when its results are the same (the file was imported before) that is said in passing,
 * and when they differ (another file, or a run edited since) it is said plainly, so a result
 * is never silently kept or dropped: "2 skipped: already here with other results".
 */
import { canonicalJson } from '../canonicalJson';
import type { LabRun } from './types';

export interface ImportSorting {
  /** Runs with new ids, to add. */
  fresh: LabRun[];
  /** Ids already here with the same results. */
  same: number;
  /** Ids already here with other results (kept as they are here). */
  different: number;
}

/** Splits `imported` by whether each id is new, here with the same results, or here with others. */
export function sortImported(imported: readonly LabRun[], existing: (id: string) => LabRun | undefined): ImportSorting {
  const sorting: ImportSorting = { fresh: [], same: 0, different: 0 };
  for (const run of imported) {
    const here = existing(run.id);
    if (!here) sorting.fresh.push(run);
    // Sorted keys: the same results read from IndexedDB or a file compare equal (NaN as null in both).
    else if (here.result && canonicalJson(here.result) === canonicalJson(run.result)) sorting.same += 1;
    else sorting.different += 1;
  }
  return sorting;
}

/** The notice for a file's import: "lab.json: 3 runs imported (1 already here; 2 skipped: already here with other results)." */
export function importNotice(fileName: string, s: ImportSorting): { kind: 'info' | 'error'; text: string } {
  const notes = [s.same ? `${s.same} already here` : '', s.different ? `${s.different} skipped: already here with other results` : ''].filter(Boolean);
  const count = s.fresh.length;
  const text = `${fileName}: ${count} run${count === 1 ? '' : 's'} imported${notes.length ? ` (${notes.join('; ')})` : ''}.`;
  return { kind: s.different ? 'error' : 'info', text };
}
