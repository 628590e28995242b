/**
 * The lab's storage banner: shown while something exists only in this tab (IndexedDB is full
 * or can't be used), it says what kind of failure it is, what a closed tab or a reload would
 * lose, and offers the export that keeps it. Not a notice: it stays until storage takes the
 * unsaved runs again (or they are removed), however many notices come after it.
 */
import type { LabRun } from '../../engine/lab/types';
import type { LabController } from '../../lab/labController';
import { storageBanner, type StorageHealth } from '../../lab/storageHealth';
import { downloadLabExport } from './downloads';

export interface StorageBannerProps {
  lab: LabController;
  storage: StorageHealth;
  runs: readonly LabRun[];
}

export function StorageBanner({ lab, storage, runs }: StorageBannerProps) {
  const banner = storageBanner(storage, runs);
  if (!banner) return null;
  return (
    <section className="lab-storage" role="alert" aria-label="Browser storage" data-testid="lab-storage-banner" data-kind={storage.problem?.kind} data-in-memory={storage.inMemory}>
      <p>
        <strong data-testid="lab-storage-headline">{banner.headline}:</strong> <span data-testid="lab-storage-text">{banner.lines.join(' ')}</span>
      </p>
      <button type="button" className="primary" onClick={() => downloadLabExport(lab)} disabled={banner.exportable === 0} data-testid="lab-storage-export">
        Export now
      </button>
    </section>
  );
}
