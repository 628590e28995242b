/**
 * The training worker: all of tfjs runs here, off the main thread, so the page never blocks
 * while a ResNet trains. The requests of protocol.ts are answered by handler.ts; this file only
 * connects it to the worker scope, sends a heartbeat every second (the page restarts a worker
 * that falls silent, see src/client/workerHost.ts), and reports uncaught errors.
 */
/// <reference lib="webworker" />
import { openBrowserCache } from '../data/datasetStore';
import { createPngDecoder } from './bitmapPng';
import { createWorkerHandler } from './handler';
import type { WorkerEvent, WorkerRequest } from './protocol';
import { errorMessage } from '../engine/errorMessage';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const post = (event: WorkerEvent, transfer: Transferable[] = []): void => scope.postMessage(event, transfer);
const heartbeat = setInterval(() => post({ type: 'heartbeat' }), 1000);

const handler = createWorkerHandler({
  post,
  environment: { userAgent: navigator.userAgent, runtime: 'browser' },
  sources: { decodePng: createPngDecoder(), cache: openBrowserCache },
  hang: () => {
    clearInterval(heartbeat);
    scope.close();
  },
});

scope.addEventListener('message', (e: MessageEvent<WorkerRequest>) => void handler.handle(e.data));

scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  const message = errorMessage(e.reason);
  post({ type: 'error', runId: handler.activeRunId(), message });
});
