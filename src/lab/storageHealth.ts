/**
 * What of the lab is NOT in IndexedDB right now, and the banner that says so. The lab keeps
 * working in memory when a save fails (a full quota, storage refused in a private window), so
 * a finished run can exist only in this tab: the user must be told, with what will be lost
 * (runs when the tab closes; weights as a teacher or for inspection, and checkpoints as a
 * resume point, after a reload) and what to do (export). Pure state and text; the controller
 * holds the state (LabState.storage) and guardedStore.ts updates it after every write.
 */
import type { LabRun } from '../engine/lab/types';
import { classifyStorageError, STORAGE_UNAVAILABLE, type StorageProblem } from './storageErrors';

export interface StorageHealth {
  /** The latest failure while something is unsaved (or storage never opened); null when all is saved. */
  problem: StorageProblem | null;
  /** IndexedDB could not be opened: nothing is written, the lab lives in this tab only. */
  inMemory: boolean;
  /** Runs whose latest record failed to save (shown, exported, but gone after a reload). */
  unsavedRuns: readonly string[];
  /** Runs whose final weights failed to save (kept in this tab's memory meanwhile). */
  unsavedWeights: readonly string[];
  /** Running runs whose latest epoch checkpoint failed to save (training goes on). */
  unsavedCheckpoints: readonly string[];
  /** The plan, reference and teacher choice failed to save. */
  metaUnsaved: boolean;
}

export const HEALTHY: StorageHealth = { problem: null, inMemory: false, unsavedRuns: [], unsavedWeights: [], unsavedCheckpoints: [], metaUnsaved: false };

/** One write to the store, named by what it holds. */
export type SaveTarget = { kind: 'runs'; ids: readonly string[] } | { kind: 'weights'; id: string } | { kind: 'checkpoint'; id: string } | { kind: 'meta' };

const add = (list: readonly string[], ids: readonly string[]) => [...list, ...ids.filter((id) => !list.includes(id))];
const drop = (list: readonly string[], ids: readonly string[]) => list.filter((id) => !ids.includes(id));

/** Whether anything written in this tab is missing from storage. */
export function hasUnsaved(h: StorageHealth): boolean {
  return h.unsavedRuns.length + h.unsavedWeights.length + h.unsavedCheckpoints.length > 0 || h.metaUnsaved;
}

/** The problem stays while something is unsaved; it goes once everything is written. */
const settle = (h: StorageHealth): StorageHealth => (h.inMemory || hasUnsaved(h) ? h : { ...h, problem: null });

/**
 * IndexedDB could not be opened: from now on nothing is written. A full quota that stopped it
 * opening still reads "full"; any other reason, "unavailable".
 */
export function openFailed(h: StorageHealth, err: unknown): StorageHealth {
  const problem = classifyStorageError(err);
  return { ...h, inMemory: true, problem: problem.kind === 'other' ? { kind: 'unavailable', headline: STORAGE_UNAVAILABLE } : problem };
}

/** A write failed: what it held is marked unsaved, and the failure is the problem shown. */
export function saveFailed(h: StorageHealth, target: SaveTarget, err: unknown): StorageHealth {
  const problem = classifyStorageError(err);
  switch (target.kind) {
    case 'runs':
      return { ...h, problem, unsavedRuns: add(h.unsavedRuns, target.ids) };
    case 'weights':
      return { ...h, problem, unsavedWeights: add(h.unsavedWeights, [target.id]) };
    case 'checkpoint':
      return { ...h, problem, unsavedCheckpoints: add(h.unsavedCheckpoints, [target.id]) };
    case 'meta':
      return { ...h, problem, metaUnsaved: true };
  }
}

/** A write went through: what it held is saved (a later write replaces an earlier one). */
export function saveSucceeded(h: StorageHealth, target: SaveTarget): StorageHealth {
  switch (target.kind) {
    case 'runs':
      return settle({ ...h, unsavedRuns: drop(h.unsavedRuns, target.ids) });
    case 'weights':
      return settle({ ...h, unsavedWeights: drop(h.unsavedWeights, [target.id]) });
    case 'checkpoint':
      return settle({ ...h, unsavedCheckpoints: drop(h.unsavedCheckpoints, [target.id]) });
    case 'meta':
      return settle({ ...h, metaUnsaved: false });
  }
}

/** Runs removed from the lab: nothing of theirs needs saving any more. */
export function forgetRuns(h: StorageHealth, ids: readonly string[]): StorageHealth {
  return settle({ ...h, unsavedRuns: drop(h.unsavedRuns, ids), unsavedWeights: drop(h.unsavedWeights, ids), unsavedCheckpoints: drop(h.unsavedCheckpoints, ids) });
}

/** A run ended: its checkpoint no longer matters. */
export function forgetCheckpoint(h: StorageHealth, id: string): StorageHealth {
  return settle({ ...h, unsavedCheckpoints: drop(h.unsavedCheckpoints, [id]) });
}

/** A run starts over: neither its old checkpoint nor its old weights matter. */
export function forgetOutputs(h: StorageHealth, id: string): StorageHealth {
  return settle({ ...h, unsavedWeights: drop(h.unsavedWeights, [id]), unsavedCheckpoints: drop(h.unsavedCheckpoints, [id]) });
}

export interface StorageBanner {
  /** "Browser storage is full", "Browser storage is unavailable", or the error's message. */
  headline: string;
  /** What is at risk, one sentence each, most important first. */
  lines: string[];
  /** Runs the export would hold (ended runs); the export button is off without any. */
  exportable: number;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The banner for this health and these runs, or null when everything is saved. */
export function storageBanner(h: StorageHealth, runs: readonly LabRun[]): StorageBanner | null {
  if (!h.problem || !(h.inMemory || hasUnsaved(h))) return null;
  const exportable = runs.filter((r) => r.result !== null).length;
  if (h.inMemory) {
    const finished = runs.filter((r) => r.result !== null && r.source === 'local').length;
    const lost = finished > 0 ? `${count(finished, 'finished run')} ${finished === 1 ? 'is' : 'are'} not saved and will be lost` : 'They will be lost';
    return { headline: h.problem.headline, exportable, lines: [`Runs live only in this tab. ${lost} when you close or reload it; export them to keep them. Queueing and running still work.`] };
  }
  const unsaved = runs.filter((r) => h.unsavedRuns.includes(r.id));
  const finished = unsaved.filter((r) => r.result !== null).length;
  const others = unsaved.length - finished;
  const w = h.unsavedWeights.length;
  const c = h.unsavedCheckpoints.length;
  const lines: string[] = [];
  if (finished > 0) lines.push(`${count(finished, 'finished run')} ${finished === 1 ? 'is' : 'are'} not saved and will be lost when you close this tab.`);
  if (w > 0) lines.push(`The weights of ${count(w, 'run')} are not saved: after a reload ${w === 1 ? 'it' : 'they'} can't be used as a teacher or inspected.`);
  if (c > 0) lines.push(`The latest checkpoint of ${count(c, 'running run')} is not saved: after a reload ${c === 1 ? 'it' : 'they'} can't resume from there (training goes on).`);
  if (others > 0) lines.push(`Changes to ${count(others, 'other run')} are not saved.`);
  if (h.metaUnsaved) lines.push('The plan and settings are not saved.');
  if (lines.length === 0) lines.push('Recent changes to the lab are not saved.');
  return { headline: h.problem.headline, exportable, lines };
}
