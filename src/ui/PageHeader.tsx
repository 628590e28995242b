/**
 * The page's header, the same on both tabs: the name, the tabs, what the app is for, and what
 * it trains on (backend, adapter, throughput of the run in progress: the single run's on that
 * tab, the lab's active run's on the lab), then the banner when training is not on WebGPU. It
 * reads the few values it shows through selectors, so a training step re-renders the header
 * only when the throughput it shows changes.
 */
import { useSyncExternalStore, type ReactNode } from 'react';
import type { TrainingClient } from '../client/trainingClient';
import type { LabController } from '../lab/labController';
import { BackendPanel, FallbackBanner } from './BackendPanel';

export interface PageHeaderProps {
  client: TrainingClient;
  lab: LabController;
  /** Whose throughput to show. */
  view: 'single' | 'lab';
  /** The tab list, placed beside the name. */
  tabs: ReactNode;
}

export function PageHeader({ client, lab, view, tabs }: PageHeaderProps) {
  const backend = useSyncExternalStore(client.subscribe, () => client.getSnapshot().backend);
  const initError = useSyncExternalStore(client.subscribe, () => client.getSnapshot().initError);
  const singleRate = useSyncExternalStore(client.subscribe, () => {
    const s = client.getSnapshot();
    return s.steps.at(-1)?.imagesPerSecond ?? s.epochs.at(-1)?.imagesPerSecond ?? null;
  });
  const labRate = useSyncExternalStore(lab.subscribe, () => lab.getSnapshot().lastStep?.imagesPerSecond ?? null);
  return (
    <div className="page-top">
      <header className="app-header">
        <h1>Trick Lab</h1>
        {tabs}
        <p className="tagline">Train CIFAR ResNets in your browser on WebGPU and see what each trick of “Bag of Tricks” (He et al. 2019) is worth.</p>
        <BackendPanel backend={backend} initError={initError} imagesPerSecond={view === 'lab' ? labRate : singleRate} />
      </header>
      <FallbackBanner backend={backend} initError={initError} />
    </div>
  );
}
