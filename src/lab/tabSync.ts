/**
 * How the tabs of one lab agree. One tab at a time owns the queue (it starts runs in its own
 * training worker): the holder of a Web Lock, released by the browser when that tab closes or
 * crashes. Every tab tells the others what it wrote over a BroadcastChannel, and the others read
 * those records back from IndexedDB (the store stays the one truth); the owner also says which
 * run it trains and how far it is, and followers ask it to stop a run or run the queue.
 * Where the browser has no Web Locks every tab owns its queue (the lab as it was for one tab);
 * where it has no BroadcastChannel the tabs do not hear each other.
 */
import type { StepEvent } from '../engine/events';

/** What one tab tells the others. */
export type TabMessage =
  /** These runs changed in storage (their content or order): read them back. */
  | { kind: 'runs'; ids: string[] }
  | { kind: 'removed'; ids: string[] }
  | { kind: 'cleared' }
  /** The sender now owns the queue. */
  | { kind: 'owner' }
  /** The owner's queue: what it trains now and how far (ticks at most a few times a second). */
  | { kind: 'status'; activeRunId: string | null; queueRunning: boolean; lastStep: StepEvent | null }
  /** A new tab asks the owner for its status. */
  | { kind: 'hello' }
  /** A follower asks the owner to stop its run, or to run or pause the queue. */
  | { kind: 'stop'; runId: string }
  | { kind: 'queue'; running: boolean };

export interface TabChannel {
  post(message: TabMessage): void;
  listen(listener: (message: TabMessage) => void): void;
}

/** A BroadcastChannel as the lab's channel (the sender does not hear itself). */
export function broadcastTabChannel(name = 'trick-lab'): TabChannel {
  if (typeof BroadcastChannel === 'undefined') return { post: () => undefined, listen: () => undefined };
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    listen: (listener) => channel.addEventListener('message', (e: MessageEvent<TabMessage>) => listener(e.data)),
  };
}

export interface QueueLock {
  /** Tries to take the queue now; true when this tab holds it (until the tab goes). */
  acquire(): Promise<boolean>;
  /** Calls `onFree` once no tab holds the queue (at once when none does now). */
  whenFree(onFree: () => void): void;
}

/** The lock of a browser without Web Locks: this tab owns its queue, alone. */
export const SOLO_LOCK: QueueLock = { acquire: () => Promise.resolve(true), whenFree: () => undefined };

/**
 * The queue as a Web Lock. The owner holds it exclusively for the tab's life. A follower waits
 * for it in shared mode, which is granted to all waiting followers together as soon as the owner
 * is gone, and let go at once: each learns the queue is free, none takes it by itself.
 */
export function webQueueLock(locks: LockManager, name = 'trick-lab-queue'): QueueLock {
  return {
    acquire: () =>
      new Promise<boolean>((resolve) => {
        void locks.request(name, { ifAvailable: true }, (lock) => {
          resolve(lock !== null);
          // Held until the tab goes: the browser releases it when the page closes or crashes.
          return lock ? new Promise<never>(() => undefined) : undefined;
        });
      }),
    whenFree(onFree) {
      void locks.request(name, { mode: 'shared' }, () => onFree());
    },
  };
}
