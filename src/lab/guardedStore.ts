/**
 * The lab's store as the controller uses it: no write is fire-and-forget. Each one that fails
 * marks what it held as unsaved (storageHealth.ts), so the banner can say what a closed tab
 * would lose; final weights that failed to save stay in memory, so the run is still a teacher
 * and inspectable in this tab; when a later write goes through (space was freed, storage came
 * back), the unsaved runs, weights and settings are written again. When IndexedDB can't be
 * opened at all the lab runs in memory and nothing is written. Deletes remove only what was
 * asked for: clearing a lab whose saved runs were never read deletes the runs shown, one by
 * one, not the whole database.
 */
import type { LabRun } from '../engine/lab/types';
import type { Checkpoint } from '../engine/train/checkpoint';
import type { LabMeta, LabStore, Refused, StoredWeights } from './labStore';
import type { RuleResult, RunRule } from './runRules';
import { classifyStorageError, isUnavailableError } from './storageErrors';
import { forgetCheckpoint, forgetOutputs, forgetRuns, hasUnsaved, HEALTHY, openFailed, saveFailed, saveSucceeded, type SaveTarget, type StorageHealth } from './storageHealth';

export interface GuardedStoreOptions {
  store: LabStore;
  /** The lab's runs now: a retry writes the latest version of each unsaved one. */
  runs: () => readonly LabRun[];
  /** A run's position in the lab's list. */
  order: (run: LabRun) => number;
  /** The lab's settings now. */
  meta: () => LabMeta;
  /** Called with the new health whenever it changes. */
  onChange: (health: StorageHealth) => void;
  /** Failures the banner does not cover (a delete or a read that did not go through). */
  onError: (text: string) => void;
  /** Runs whose stored record has moved on (another tab ended them): this copy was not written. */
  onRefused: (refused: Refused[]) => void;
}

export interface GuardedStore {
  health(): StorageHealth;
  /** Reads the saved lab; when IndexedDB can't be opened, switches to in-memory mode and rethrows. */
  load(): Promise<{ runs: LabRun[]; meta: LabMeta | null }>;
  /** Resolves once the write went through (true) or failed and was recorded (false). */
  saveRuns(runs: readonly LabRun[]): Promise<boolean>;
  /**
   * Applies `rule` to the run as stored and writes the result; in memory, or when the write
   * fails (the run is then marked unsaved), to this tab's copy.
   */
  updateRun(local: LabRun, rule: RunRule): Promise<RuleResult>;
  /** Swaps two runs' stored order when `rule` allows it for the first (as updateRun). */
  swapRuns(local: LabRun, other: LabRun, rule: RunRule): Promise<RuleResult>;
  saveMeta(): void;
  /** Saves a run's final weights, or holds them in memory when that fails. */
  saveWeights(w: StoredWeights): Promise<void>;
  /** Resolves true once the checkpoint is stored. */
  saveCheckpoint(runId: string, c: Checkpoint): Promise<boolean>;
  /** The weights held in memory or stored; undefined when neither (or storage fails). */
  loadWeights(runId: string): Promise<StoredWeights | undefined>;
  loadCheckpoint(runId: string): Promise<Checkpoint | undefined>;
  /** The run ended: its checkpoint is deleted (a failure only leaves a harmless stale one). */
  deleteCheckpoint(runId: string): void;
  /** The run starts over from scratch: its old checkpoint and unsaved weights are dropped. */
  restart(runId: string): void;
  deleteRun(runId: string): void;
  /** Deletes these runs (every run when the saved lab was read in full) and their outputs. */
  clear(runIds: readonly string[]): Promise<void>;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameHealth = (a: StorageHealth, b: StorageHealth) =>
  a.problem?.headline === b.problem?.headline &&
  a.inMemory === b.inMemory &&
  a.metaUnsaved === b.metaUnsaved &&
  sameList(a.unsavedRuns, b.unsavedRuns) &&
  sameList(a.unsavedWeights, b.unsavedWeights) &&
  sameList(a.unsavedCheckpoints, b.unsavedCheckpoints);

/** Wraps `store` so that every failure is tracked and nothing finished is dropped silently. */
export function createGuardedStore(opts: GuardedStoreOptions): GuardedStore {
  const { store } = opts;
  let health = HEALTHY;
  /** Every saved run is in the lab's list, so clearing everything deletes only what is shown. */
  let readInFull = false;
  let retrying = false;
  /** Final weights not (yet) in storage: a teacher and inspectable in this tab meanwhile. */
  const heldWeights = new Map<string, StoredWeights>();

  const change = (next: StorageHealth) => {
    if (sameHealth(next, health)) return;
    health = next;
    opts.onChange(next);
  };
  const failure = (err: unknown) => classifyStorageError(err).headline;

  /** Runs one write; records its failure, or its success and then retries what is unsaved. */
  async function write(target: SaveTarget, op: () => Promise<void>): Promise<boolean> {
    if (health.inMemory) return false;
    try {
      await op();
    } catch (err) {
      change(saveFailed(health, target, err));
      return false;
    }
    if (hasUnsaved(health)) {
      change(saveSucceeded(health, target));
      void retry();
    }
    return true;
  }

  /** Storage took a write: write again what failed before (one retry at a time). */
  async function retry(): Promise<void> {
    if (retrying || !hasUnsaved(health)) return;
    retrying = true;
    try {
      const runs = opts.runs().filter((r) => health.unsavedRuns.includes(r.id));
      const gone = health.unsavedRuns.filter((id) => !runs.some((r) => r.id === id));
      if (gone.length > 0) change(forgetRuns(health, gone));
      if (runs.length > 0 && !(await write({ kind: 'runs', ids: runs.map((r) => r.id) }, () => putRuns(runs)))) return;
      for (const w of [...heldWeights.values()]) {
        if (health.unsavedWeights.includes(w.runId) && !(await saveHeld(w))) return;
      }
      if (health.metaUnsaved) await write({ kind: 'meta' }, () => store.saveMeta(opts.meta()));
    } finally {
      retrying = false;
    }
  }

  async function putRuns(runs: readonly LabRun[]): Promise<void> {
    const refused = await store.saveRuns(runs, opts.order);
    if (refused.length > 0) opts.onRefused(refused);
  }

  async function saveHeld(w: StoredWeights): Promise<boolean> {
    const saved = await write({ kind: 'weights', id: w.runId }, () => store.saveWeights(w));
    if (saved && heldWeights.get(w.runId) === w) heldWeights.delete(w.runId);
    return saved;
  }

  return {
    health: () => health,
    async load() {
      try {
        const [runs, meta] = await Promise.all([store.loadRuns(), store.loadMeta()]);
        readInFull = true;
        return { runs, meta };
      } catch (err) {
        if (isUnavailableError(err)) change(openFailed(health, err));
        throw err;
      }
    },
    saveRuns: (runs) => (runs.length > 0 ? write({ kind: 'runs', ids: runs.map((r) => r.id) }, () => putRuns(runs)) : Promise.resolve(true)),
    async updateRun(local, rule) {
      let result = rule(local);
      await write({ kind: 'runs', ids: [local.id] }, async () => void (result = await store.updateRun(local, rule, opts.order(local))));
      return result;
    },
    async swapRuns(local, other, rule) {
      let result = rule(local);
      await write({ kind: 'runs', ids: [local.id, other.id] }, async () => void (result = await store.swapRuns(local, other, rule, opts.order)));
      return result;
    },
    saveMeta() {
      void write({ kind: 'meta' }, () => store.saveMeta(opts.meta()));
    },
    async saveWeights(w) {
      heldWeights.set(w.runId, w);
      await saveHeld(w);
    },
    saveCheckpoint: (runId, c) => write({ kind: 'checkpoint', id: runId }, () => store.saveCheckpoint(runId, c)),
    async loadWeights(runId) {
      const held = heldWeights.get(runId);
      if (held || health.inMemory) return held;
      return store.loadWeights(runId).catch(() => undefined);
    },
    async loadCheckpoint(runId) {
      if (health.inMemory) return undefined;
      try {
        return await store.loadCheckpoint(runId);
      } catch (err) {
        opts.onError(`${failure(err)}: the run's checkpoint could not be read, so it starts from the beginning.`);
        return undefined;
      }
    },
    deleteCheckpoint(runId) {
      change(forgetCheckpoint(health, runId));
      if (!health.inMemory) void store.deleteCheckpoint(runId).catch(() => undefined);
    },
    restart(runId) {
      heldWeights.delete(runId);
      change(forgetOutputs(health, runId));
      if (!health.inMemory) void store.deleteCheckpoint(runId).catch(() => undefined);
    },
    deleteRun(runId) {
      heldWeights.delete(runId);
      change(forgetRuns(health, [runId]));
      if (health.inMemory) return;
      store.deleteRun(runId).then(
        () => void retry(),
        (err: unknown) => opts.onError(`${failure(err)}: the run was removed here but may come back after a reload.`),
      );
    },
    async clear(runIds) {
      heldWeights.clear();
      change(forgetRuns(health, runIds));
      if (health.inMemory) return;
      try {
        if (readInFull) await store.clear();
        else for (const id of runIds) await store.deleteRun(id);
      } catch (err) {
        opts.onError(`${failure(err)}: the lab was cleared here, but saved runs may come back after a reload.`);
      }
    },
  };
}
