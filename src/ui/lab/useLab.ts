/** The lab's state for React: useSyncExternalStore over the lab controller (one bridge, no effects). */
import { useSyncExternalStore } from 'react';
import type { LabController, LabState } from '../../lab/labController';

export function useLab(lab: LabController): LabState {
  return useSyncExternalStore(lab.subscribe, lab.getSnapshot);
}
