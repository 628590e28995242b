/**
 * The one bridge from the training worker to React: subscribes a component to the client's
 * state snapshot with useSyncExternalStore (no effects, no tearing).
 */
import { useSyncExternalStore } from 'react';
import type { TrainingClient, TrainingState } from '../client/trainingClient';

/** The current training state; re-renders when the client notifies (throttled during a run). */
export function useTraining(client: TrainingClient): TrainingState {
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}
