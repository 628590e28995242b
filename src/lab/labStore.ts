/**
 * The lab's persistence in IndexedDB (through `idb`): every run with its metrics, the final
 * weights of finished runs (teachers and inspection), the latest epoch checkpoint of each
 * unfinished run (to resume after a reload or a closed tab), and the lab's settings (plan,
 * reference, teacher). Finished work is written as soon as it exists, so a reload loses nothing
 * finished. Float32Arrays are stored as they are (structured clone), not as JSON. When the
 * database can't be opened (no IndexedDB, a private window, storage refused or blocked) the
 * opening fails with a StorageUnavailableError, and the lab runs in memory (guardedStore.ts).
 * Several tabs share the database, so every write of a run is a transaction that reads the
 * stored record first and refuses to move it backwards (runRules.ts).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ModelConfig } from '../engine/config';
import type { Plan } from '../engine/lab/plan';
import type { LabRun } from '../engine/lab/types';
import type { Checkpoint } from '../engine/train/checkpoint';
import { overwriteRefusal, type RuleResult, type RunRule } from './runRules';
import { StorageUnavailableError } from './storageErrors';
import { errorMessage } from '../engine/errorMessage';

export const LAB_DB_NAME = 'trick-lab';
const DB_VERSION = 1;

/** A finished run's trained weights, with the architecture they fit. */
export interface StoredWeights {
  runId: string;
  model: ModelConfig;
  weights: Float32Array[];
}

/** The lab's settings besides its runs. */
export interface LabMeta {
  plan: Plan | null;
  referenceKey: string | null;
  teacherRunId: string | null;
}

interface LabDb extends DBSchema {
  runs: { key: string; value: LabRun & { order: number } };
  weights: { key: string; value: StoredWeights };
  checkpoints: { key: string; value: Checkpoint & { runId: string } };
  meta: { key: string; value: LabMeta };
}

/** A run write that was refused: the stored record and why. */
export interface Refused {
  stored: LabRun;
  reason: string;
}

export interface LabStore {
  /** Every run, in the order they were saved first (queue order is kept by `order`). */
  loadRuns(): Promise<LabRun[]>;
  loadMeta(): Promise<LabMeta | null>;
  saveMeta(meta: LabMeta): Promise<void>;
  /**
   * Saves runs with their position in the lab's list, except those whose stored record has
   * ended while the copy has not: those are left alone and returned, as stored, with why.
   */
  saveRuns(runs: readonly LabRun[], order: (run: LabRun) => number): Promise<Refused[]>;
  /** Reads these runs as stored now (absent ones are left out), with their stored order. */
  loadRunsById(ids: readonly string[]): Promise<(LabRun & { order: number })[]>;
  /**
   * Applies `rule` to the run as stored (or to `local` when it was never stored) and writes the
   * result, in one transaction; a refusal writes nothing.
   */
  updateRun(local: LabRun, rule: RunRule, order: number): Promise<RuleResult>;
  /** Swaps the stored order of two runs when `rule` allows it for the first. */
  swapRuns(local: LabRun, other: LabRun, rule: RunRule, order: (run: LabRun) => number): Promise<RuleResult>;
  deleteRun(id: string): Promise<void>;
  saveWeights(w: StoredWeights): Promise<void>;
  loadWeights(runId: string): Promise<StoredWeights | undefined>;
  saveCheckpoint(runId: string, c: Checkpoint): Promise<void>;
  loadCheckpoint(runId: string): Promise<Checkpoint | undefined>;
  deleteCheckpoint(runId: string): Promise<void>;
  /** Removes every run, weight, checkpoint and setting. */
  clear(): Promise<void>;
  close(): void;
}

/**
 * Opens the database, or fails with a StorageUnavailableError (its cause: what the browser
 * said). `indexedDB` may be missing, `open` may throw or fail (SecurityError in a sandboxed or
 * private context, InvalidStateError in Firefox's private windows), or wait forever while
 * another tab holds an older version open (`blocked`): that fails too, rather than hanging.
 */
async function openDatabase(name: string): Promise<IDBPDatabase<LabDb>> {
  try {
    return await new Promise<IDBPDatabase<LabDb>>((resolve, reject) => {
      openDB<LabDb>(name, DB_VERSION, {
        upgrade(database) {
          database.createObjectStore('runs', { keyPath: 'id' });
          database.createObjectStore('weights', { keyPath: 'runId' });
          database.createObjectStore('checkpoints', { keyPath: 'runId' });
          database.createObjectStore('meta');
        },
        blocked: () => reject(new StorageUnavailableError('another tab of Trick Lab keeps an older version of the lab\'s database open')),
      }).then(resolve, reject);
    });
  } catch (err) {
    if (err instanceof StorageUnavailableError) throw err;
    throw new StorageUnavailableError(`IndexedDB could not be opened (${errorMessage(err)})`, { cause: err });
  }
}

/** Runs read from IndexedDB per request when the lab loads. */
const LOAD_PAGE = 250;

/** A stored run without its queue position. */
export const withoutOrder = ({ order: _order, ...run }: LabRun & { order: number }): LabRun => run;

/** Opens (creating when needed) the lab's database. */
export async function openLabStore(name = LAB_DB_NAME): Promise<LabStore> {
  const db = await openDatabase(name);
  return {
    async loadRuns() {
      // Read in pages: one getAll of thousands of runs is one long task while the browser
      // deserialises them; pages of LOAD_PAGE come back as separate tasks.
      const all: (LabRun & { order: number })[] = [];
      for (let after: string | null = null; ; ) {
        const page: (LabRun & { order: number })[] = await db.getAll('runs', after === null ? undefined : IDBKeyRange.lowerBound(after, true), LOAD_PAGE);
        all.push(...page);
        if (page.length < LOAD_PAGE) break;
        after = page[page.length - 1].id;
      }
      return all.sort((a, b) => a.order - b.order).map(withoutOrder);
    },
    loadMeta: async () => (await db.get('meta', 'lab')) ?? null,
    saveMeta: async (meta) => void (await db.put('meta', meta, 'lab')),
    async saveRuns(runs, order) {
      const tx = db.transaction('runs', 'readwrite');
      const refused: Refused[] = [];
      const writes = runs.map(async (r) => {
        const stored = await tx.store.get(r.id);
        const reason = stored ? overwriteRefusal(stored, r) : null;
        if (stored && reason) refused.push({ stored: withoutOrder(stored), reason });
        else await tx.store.put({ ...r, order: order(r) });
      });
      await Promise.all([...writes, tx.done]);
      return refused;
    },
    async loadRunsById(ids) {
      const tx = db.transaction('runs', 'readonly');
      const found = await Promise.all(ids.map((id) => tx.store.get(id)));
      await tx.done;
      return found.filter((r) => r !== undefined);
    },
    async updateRun(local, rule, order) {
      const tx = db.transaction('runs', 'readwrite');
      const stored = await tx.store.get(local.id);
      const result = rule(stored ? withoutOrder(stored) : local);
      if ('run' in result) await tx.store.put({ ...result.run, order: stored?.order ?? order });
      await tx.done;
      return result;
    },
    async swapRuns(local, other, rule, order) {
      const tx = db.transaction('runs', 'readwrite');
      const [a, b] = await Promise.all([tx.store.get(local.id), tx.store.get(other.id)]);
      const result = rule(a ? withoutOrder(a) : local);
      if ('run' in result) {
        const [orderA, orderB] = [a?.order ?? order(local), b?.order ?? order(other)];
        await Promise.all([tx.store.put({ ...(a ?? local), order: orderB }), tx.store.put({ ...(b ?? other), order: orderA })]);
      }
      await tx.done;
      return result;
    },
    async deleteRun(id) {
      const tx = db.transaction(['runs', 'weights', 'checkpoints'], 'readwrite');
      await Promise.all([tx.objectStore('runs').delete(id), tx.objectStore('weights').delete(id), tx.objectStore('checkpoints').delete(id), tx.done]);
    },
    saveWeights: async (w) => void (await db.put('weights', w)),
    loadWeights: (runId) => db.get('weights', runId),
    saveCheckpoint: async (runId, c) => void (await db.put('checkpoints', { ...c, runId })),
    async loadCheckpoint(runId) {
      const stored = await db.get('checkpoints', runId);
      if (!stored) return undefined;
      const { runId: _id, ...checkpoint } = stored;
      return checkpoint;
    },
    deleteCheckpoint: (runId) => db.delete('checkpoints', runId),
    async clear() {
      const tx = db.transaction(['runs', 'weights', 'checkpoints', 'meta'], 'readwrite');
      await Promise.all([...(['runs', 'weights', 'checkpoints', 'meta'] as const).map((s) => tx.objectStore(s).clear()), tx.done]);
    },
    close: () => db.close(),
  };
}
