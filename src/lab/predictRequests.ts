/**
 * The inspector's prediction requests to the training worker: each waits for the answer with its
 * request id; a restarted worker answers none, so they all fail with its message.
 */
import type { ExperimentConfig } from '../engine/config';
import type { Predictions } from '../engine/lab/predict';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';

export interface PredictRequests {
  request(config: ExperimentConfig, weights: Float32Array[], sampleCount: number): Promise<Predictions>;
  /** Settles the request a worker event answers (or all of them when the worker restarted). */
  receive(event: WorkerEvent): void;
}

export function createPredictRequests(send: (request: WorkerRequest) => void, newId: () => string): PredictRequests {
  const pending = new Map<string, { resolve: (p: Predictions) => void; reject: (e: Error) => void }>();
  return {
    request(config, weights, sampleCount) {
      const requestId = newId();
      return new Promise<Predictions>((resolve, reject) => {
        pending.set(requestId, { resolve, reject });
        send({ type: 'predict', requestId, config, weights, sampleCount });
      });
    },
    receive(event) {
      if (event.type === 'workerRestarted') {
        for (const p of pending.values()) p.reject(new Error(event.message));
        pending.clear();
      } else if (event.type === 'predictions' || event.type === 'predictError') {
        const p = pending.get(event.requestId);
        pending.delete(event.requestId);
        if (event.type === 'predictions') p?.resolve(event.predictions);
        else p?.reject(new Error(event.message));
      }
    },
  };
}
