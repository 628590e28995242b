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
/**
 * A stop the worker has not answered (its run's 'done' or 'error') within this long, or 3× the
 * longest gap between the run's progress events if longer, ends with the worker terminated and
 * restarted: a step on the CPU backend blocks the worker, so a stop asked during a long first
 * step would otherwise wait minutes while memory grows.
 */
export const STOP_GRACE_MS = 15_000;
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
  /** The stop asked for and not yet answered, and the run's longest gap between progress events. */
  let pendingStop: { runId: string; since: number } | null = null;
  let progress = { at: 0, maxGap: 0 };

  /** Follows a run's progress and the answer to a stop. */
  const watchRun = (event: WorkerEvent) => {
    if (event.type === 'progress') {
      const t = now();
      if (progress.at > 0) progress.maxGap = Math.max(progress.maxGap, t - progress.at);
      progress.at = t;
    }
    if ((event.type === 'done' || event.type === 'error' || event.type === 'interrupted') && event.runId === pendingStop?.runId) pendingStop = null;
  };

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
      watchRun(e.data);
      deliver(e.data);
    });
    current.addEventListener('error', (e) => {
      if (current !== worker) return;
      e.preventDefault?.();
      restart(`it threw an uncaught error: ${e.message || 'unknown error'}`);
    });
  };

  /** `stoppedRunId`: the run the page asked to stop and the worker did not; it ends stopped. */
  const restart = (why: string, stoppedRunId?: string) => {
    if (dead) return;
    pendingStop = null;
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
    const message = `The training worker stopped (${why}) and was restarted.`;
    deliver(stoppedRunId ? { type: 'workerRestarted', message, stoppedRunId } : { type: 'workerRestarted', message });
  };

  const timer = setInterval(() => {
    const silent = now() - lastHeard;
    if (silent > opts.silenceMs()) restart(`no heartbeat for ${Math.round(silent / 1000)} s`);
    const grace = Math.max(STOP_GRACE_MS, 3 * progress.maxGap);
    if (pendingStop && now() - pendingStop.since > grace) restart(`it did not stop within ${Math.round(grace / 1000)} s`, pendingStop.runId);
  }, opts.checkEveryMs ?? 1000);

  start();
  return {
    postMessage(message, transfer = []) {
      if (message.type === 'start') progress = { at: 0, maxGap: 0 };
      if (message.type === 'stop' && pendingStop?.runId !== message.runId) pendingStop = { runId: message.runId, since: now() };
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
