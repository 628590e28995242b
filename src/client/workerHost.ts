/**
 * Keeps a training worker alive for the page. A worker can die without a word: an uncaught
 * error, a browser that kills it (memory), or a thread stuck in a loop. The host watches for the
 * worker's 'error' event and for its heartbeat (sent every second, protocol.ts) falling silent
 * for longer than `silenceMs()`, then terminates it, starts a new one and tells every listener
 * with a `workerRestarted` event (the client re-initialises it and reloads its dataset; the lab
 * marks the run in progress interrupted). A worker that keeps failing is restarted at most
 * MAX_RESTARTS times in RESTART_WINDOW_MS, then left dead with a message to reload.
 * The page's TrainingClient and LabController use the host as they would the worker.
 */
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** The part of a Worker the host uses (a fake in unit tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerEvent>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

export interface WorkerHostOptions {
  create: () => WorkerLike;
  /** How long the worker may stay silent before it counts as dead (Infinity: never). */
  silenceMs: () => number;
  /** How often silence is checked, ms. */
  checkEveryMs?: number;
  now?: () => number;
}

export interface WorkerHost {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerEvent>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  /** Times the worker was restarted. */
  readonly restarts: number;
  dispose(): void;
}

/** Starts a worker and keeps it alive (see the file comment). */
export function createWorkerHost(opts: WorkerHostOptions): WorkerHost {
  const now = opts.now ?? (() => Date.now());
  const messageListeners = new Set<(e: MessageEvent<WorkerEvent>) => void>();
  const errorListeners = new Set<(e: ErrorEvent) => void>();
  let worker: WorkerLike;
  let lastHeard = now();
  let restarts = 0;
  let recent: number[] = [];
  let dead = false;

  const deliver = (data: WorkerEvent) => {
    for (const l of messageListeners) l({ data } as MessageEvent<WorkerEvent>);
  };

  const start = () => {
    const current = opts.create();
    worker = current;
    lastHeard = now();
    current.addEventListener('message', (e) => {
      if (current !== worker) return; // a terminated worker's last words
      lastHeard = now();
      deliver(e.data);
    });
    current.addEventListener('error', (e) => {
      if (current !== worker) return;
      e.preventDefault?.();
      restart(`it threw an uncaught error: ${e.message || 'unknown error'}`);
    });
  };

  const restart = (why: string) => {
    if (dead) return;
    worker.terminate();
    const t = now();
    recent = [...recent.filter((r) => t - r < RESTART_WINDOW_MS), t];
    if (recent.length > MAX_RESTARTS) {
      dead = true;
      const message = `The training worker stopped (${why}) and keeps failing (${recent.length} times in a minute); it was not restarted again. Reload the page; the lab keeps its runs.`;
      for (const l of errorListeners) l({ message } as ErrorEvent);
      return;
    }
    restarts += 1;
    start();
    deliver({ type: 'workerRestarted', message: `The training worker stopped (${why}) and was restarted.` });
  };

  const timer = setInterval(() => {
    const silent = now() - lastHeard;
    if (silent > opts.silenceMs()) restart(`no heartbeat for ${Math.round(silent / 1000)} s`);
  }, opts.checkEveryMs ?? 1000);

  start();
  return {
    postMessage(message, transfer = []) {
      if (!dead) worker.postMessage(message, transfer);
    },
    addEventListener(type: 'message' | 'error', listener: ((e: MessageEvent<WorkerEvent>) => void) | ((e: ErrorEvent) => void)) {
      if (type === 'message') messageListeners.add(listener as (e: MessageEvent<WorkerEvent>) => void);
      else errorListeners.add(listener as (e: ErrorEvent) => void);
    },
    get restarts() {
      return restarts;
    },
    dispose() {
      clearInterval(timer);
      worker.terminate();
    },
  };
}
