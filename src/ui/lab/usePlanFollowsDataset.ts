/**
 * The lab's plan records the dataset loaded in the training worker and follows it when it
 * changes (unless the plan was made for another set: planDataset.ts followDataset), whichever
 * tab is shown: a set loaded while the lab is hidden (the picker's download finishing after the
 * user left the tab, or a load on the single-run page) is recorded as it arrives. Shell renders
 * PlanFollowsDataset, so a new dataset re-renders nothing else. LabView follows plan changes
 * while it is shown.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { TrainingClient } from '../../client/trainingClient';
import { followDataset } from '../../engine/lab/planDataset';
import type { LabController } from '../../lab/labController';

export function usePlanFollowsDataset(lab: Pick<LabController, 'getSnapshot' | 'setPlan'>, client: Pick<TrainingClient, 'subscribe' | 'getSnapshot'>): void {
  const dataset = useSyncExternalStore(client.subscribe, () => client.getSnapshot().dataset);
  const seen = useRef(dataset);
  useEffect(() => {
    const { plan } = lab.getSnapshot();
    const recorded = followDataset(plan.dataset, seen.current, dataset);
    seen.current = dataset;
    if (recorded !== plan.dataset) lab.setPlan({ ...plan, dataset: recorded });
  }, [lab, dataset]);
}

/** usePlanFollowsDataset as a component that draws nothing (its re-renders stay its own). */
export function PlanFollowsDataset({ lab, client }: { lab: LabController; client: TrainingClient }): null {
  usePlanFollowsDataset(lab, client);
  return null;
}
