/**
 * This tab's side of a lab shared by several tabs (tabSync.ts): who owns the queue, what the
 * others wrote (read back from storage), the owner's live status, and the follower's requests.
 * A tab that takes the queue (at start, or with Take over once the owner is gone) marks the runs
 * the old owner left running as interrupted, in storage, so that each is resumed once.
 */
import type { LabRun } from '../engine/lab/types';
import type { LabState } from './foldLabEvent';
import { withoutOrder, type LabStore } from './labStore';
import type { QueueLock, TabChannel, TabMessage } from './tabSync';

export interface LabTabsHost {
  get(): LabState;
  set(next: LabState, throttled?: boolean): void;
  subscribe(listener: () => void): () => void;
  /** Where the runs are read back from (unless the lab runs in memory). */
  store: Pick<LabStore, 'loadRuns' | 'loadRunsById'>;
  /** Marks a run the last owner left running as interrupted, in storage and here. */
  interruptOrphan(run: LabRun): Promise<void>;
  /** Asks this tab's worker to stop a run. */
  stopRun(runId: string): void;
  setQueueRunning(running: boolean): void;
  /** Starts the next queued run when it can. */
  next(): void;
  notify(kind: 'error' | 'info', text: string): void;
}

export interface LabTabs {
  /** The lab was read from storage: find out who owns the queue. */
  start(): void;
  /** Takes the queue when its owner is gone. */
  takeOver(): Promise<void>;
  post(message: TabMessage): void;
}

/** Puts the stored versions of runs into `runs`: in place, in their stored order, new ones last. */
export function mergeStored(runs: readonly LabRun[], stored: readonly (LabRun & { order: number })[], skip: string | null): LabRun[] {
  const local = new Set(runs.map((r) => r.id));
  const byOrder = stored.filter((r) => r.id !== skip).sort((a, b) => a.order - b.order);
  const known = byOrder.filter((r) => local.has(r.id));
  const knownIds = new Set(known.map((r) => r.id));
  const merged = [...runs];
  // The slots these runs hold here, filled in their stored order (a move swaps two of them).
  runs.flatMap((r, i) => (knownIds.has(r.id) ? [i] : [])).forEach((slot, k) => (merged[slot] = withoutOrder(known[k])));
  return [...merged, ...byOrder.filter((r) => !local.has(r.id)).map(withoutOrder)];
}

export function createLabTabs(host: LabTabsHost, lock: QueueLock, channel: TabChannel): LabTabs {
  const here = () => host.get().queueOwner === 'here';
  let waiting = false;
  let lastStatus = '';

  const post = (message: TabMessage) => channel.post(message);
  const postStatus = () => {
    const { activeRunId, queueRunning, lastStep } = host.get();
    post({ kind: 'status', activeRunId, queueRunning, lastStep });
  };

  function follow() {
    host.set({ ...host.get(), queueOwner: 'elsewhere' });
    if (waiting) return;
    waiting = true;
    lock.whenFree(() => {
      waiting = false;
      if (here()) return;
      host.set({ ...host.get(), queueOwner: 'gone', activeRunId: null, lastStep: null });
    });
  }

  /** Reads every run again (a tab taking the queue may have missed news); this tab's unsaved runs stay. */
  async function reload() {
    if (host.get().storage.inMemory) return;
    const stored = await host.store.loadRuns().catch(() => null);
    if (!stored) return;
    const { runs, storage } = host.get();
    const unsaved = runs.filter((r) => !stored.some((x) => x.id === r.id) && storage.unsavedRuns.includes(r.id));
    host.set({ ...host.get(), runs: [...stored, ...unsaved] });
  }

  async function own(queueRunning: boolean) {
    host.set({ ...host.get(), queueOwner: 'here', queueRunning, activeRunId: null, lastStep: null });
    post({ kind: 'owner' });
    postStatus();
    // Runs the last owner left running: interrupted, to resume from their checkpoints.
    const orphans = host.get().runs.filter((r) => r.status === 'running');
    await Promise.all(orphans.map(host.interruptOrphan));
    host.next();
  }

  async function receive(message: TabMessage) {
    const state = host.get();
    switch (message.kind) {
      case 'runs': {
        if (state.storage.inMemory) return;
        const stored = await host.store.loadRunsById(message.ids);
        const skip = here() ? host.get().activeRunId : null;
        host.set({ ...host.get(), runs: mergeStored(host.get().runs, stored, skip) });
        host.next();
        return;
      }
      case 'removed':
        host.set({ ...state, runs: state.runs.filter((r) => !message.ids.includes(r.id) || r.id === state.activeRunId) });
        return;
      case 'cleared':
        if (here() && state.activeRunId) host.stopRun(state.activeRunId);
        host.set({ ...state, runs: [], activeRunId: null, queueRunning: false, lastStep: null });
        return;
      case 'owner':
        follow();
        return;
      case 'status': {
        if (here()) return;
        // A new step of the same run is a tick (shown a little later); anything else at once.
        const tick = message.activeRunId === state.activeRunId && message.queueRunning === state.queueRunning;
        host.set({ ...state, activeRunId: message.activeRunId, queueRunning: message.queueRunning, lastStep: message.lastStep }, tick);
        return;
      }
      case 'hello':
        if (here()) postStatus();
        return;
      case 'stop':
        if (here() && message.runId === state.activeRunId) host.stopRun(message.runId);
        return;
      case 'queue':
        if (here()) host.setQueueRunning(message.running);
        return;
    }
  }
  // One message at a time, in the order sent: a request to run the queue waits for the runs
  // announced before it to be read.
  let received = Promise.resolve();
  channel.listen((message) => void (received = received.then(() => receive(message)).catch(() => undefined)));

  // The owner tells the others what it trains whenever that changes (ticks come throttled).
  host.subscribe(() => {
    if (!here()) return;
    const { activeRunId, queueRunning, lastStep } = host.get();
    const status = `${activeRunId}|${queueRunning}|${lastStep?.step ?? ''}`;
    if (status === lastStatus) return;
    lastStatus = status;
    postStatus();
  });

  return {
    start() {
      void lock.acquire().then((owned) => {
        if (owned) return own(false);
        follow();
        post({ kind: 'hello' });
      });
    },
    async takeOver() {
      if (host.get().queueOwner !== 'gone') return;
      if (!(await lock.acquire())) {
        host.notify('info', 'Another tab took over the queue.');
        return;
      }
      await reload();
      await own(host.get().queueRunning);
    },
    post,
  };
}

/** `store`, telling the other tabs about each write that went through. */
export function announcingStore(store: LabStore, post: (message: TabMessage) => void): LabStore {
  const announce = <T>(message: (value: T) => TabMessage | null) => (value: T) => {
    const m = message(value);
    if (m) post(m);
    return value;
  };
  return {
    ...store,
    saveRuns: (runs, order) =>
      store.saveRuns(runs, order).then(
        announce((refused) => {
          const ids = runs.filter((r) => !refused.some((x) => x.stored.id === r.id)).map((r) => r.id);
          return ids.length > 0 ? { kind: 'runs', ids } : null;
        }),
      ),
    updateRun: (local, rule, order) => store.updateRun(local, rule, order).then(announce((r) => ('run' in r ? { kind: 'runs', ids: [local.id] } : null))),
    swapRuns: (local, other, rule, order) => store.swapRuns(local, other, rule, order).then(announce((r) => ('run' in r ? { kind: 'runs', ids: [local.id, other.id] } : null))),
    deleteRun: (id) => store.deleteRun(id).then(announce(() => ({ kind: 'removed', ids: [id] }))),
    clear: () => store.clear().then(announce(() => ({ kind: 'cleared' }))),
  };
}
