/**
 * What the lab trains on: the dataset loaded in the training worker (the one the single-run page
 * shares), what the plan records, and a picker of the sets this browser has: the embedded
 * synthetic set and the sets kept in the browser's store (downloaded archives and decoded
 * Hugging Face sets, as the single-run page's downloader lists them). Choosing one loads it
 * through the training client's own loaders; the plan follows the loaded set unless it was made
 * for another (planDataset.ts), and then says so. A set not yet in the browser is got here too,
 * in a folding section: the single-run page's downloader (CIFAR-10 or CIFAR-100 from the Hugging
 * Face Hub in one click, an archive URL) and a file picker, both handing what they get to the
 * same client loaders. The download's session is kept outside this view (Shell), so it goes on
 * when the user leaves the tab; the section opens by itself on return while it runs or failed.
 */
import { useEffect, useMemo, useState } from 'react';
import type { TrainingClient, TrainingState } from '../../client/trainingClient';
import { SYNTHETIC_DEFAULT } from '../../engine/data/synthetic';
import { errorMessage } from '../../engine/errorMessage';
import { datasetMismatch, describeDataset, planDatasetOf } from '../../engine/lab/planDataset';
import type { Plan } from '../../engine/lab/plan';
import { listStored, loadArchive, openBrowserCache, type StoredArchive } from '../../data/datasetStore';
import { parseHubUrl } from '../../data/hubSource';
import { SelectField } from '../SelectField';
import { DatasetFilesInput } from '../DatasetChooser';
import { DatasetDownloader } from '../DatasetDownloader';
import { clientLoaders, type DownloadSession } from '../downloadSession';

export interface LabDatasetPickerProps {
  client: TrainingClient;
  /** The downloader's session, kept while this view is not shown; without it, the download ends with the view. */
  downloads?: DownloadSession;
  training: Pick<TrainingState, 'dataset' | 'datasetLoading' | 'datasetError'>;
  plan: Plan;
  onChange: (plan: Plan) => void;
  /** A run is training: the worker's data must not change under it. */
  busy: boolean;
}

const SYNTHETIC = 'synthetic';
const NONE = '';

export function LabDatasetPicker({ client, downloads, training, plan, onChange, busy }: LabDatasetPickerProps) {
  const { dataset, datasetLoading: loading } = training;
  const [stored, setStored] = useState<StoredArchive[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const loaders = useMemo(() => clientLoaders(client), [client]);
  const blocked = busy || loading;
  // Back on the tab while the download runs (or after it failed): its progress or error is shown.
  const [openAtStart] = useState(() => ['downloading', 'failed'].includes(downloads?.getSnapshot().phase ?? 'idle'));
  // The store may have gained a decoded set when a dataset was loaded: list it again then.
  useEffect(() => {
    let live = true;
    void openBrowserCache()
      .then((cache) => (cache ? listStored(cache) : []))
      .then((list) => live && setStored(list), () => live && setStored([]));
    return () => {
      live = false;
    };
  }, [dataset]);

  const choose = (value: string) => {
    setProblem(null);
    if (value === SYNTHETIC) return client.loadSynthetic(SYNTHETIC_DEFAULT);
    const entry = stored.find((s) => s.url === value);
    if (!entry) return;
    if (parseHubUrl(entry.url)) return client.loadStored(entry.url, entry.name);
    // A kept archive: read from the store (no request) and handed over as a dropped file would be.
    void openBrowserCache()
      .then((cache) => {
        if (!cache) throw new Error('this browser offers no storage for datasets');
        return loadArchive(entry.url, { cache });
      })
      .then((archive) => client.loadFiles([new File([archive.bytes], archive.name, { type: 'application/gzip' })]))
      .catch((err: unknown) => setProblem(`${entry.name} could not be read from this browser's storage: ${errorMessage(err)}`));
  };

  const options = [
    { value: NONE, label: 'Choose a dataset…' },
    { value: SYNTHETIC, label: 'Synthetic (embedded, no download)' },
    ...stored.map((s) => ({ value: s.url, label: `${s.name} (kept in this browser)` })),
  ];
  const mismatch = dataset ? datasetMismatch(plan.dataset, dataset) : null;
  const error = problem ?? training.datasetError;

  return (
    <div className="lab-dataset" data-testid="lab-dataset">
      <p aria-live="polite">
        Trains on{' '}
        {loading ? (
          'a dataset being loaded…'
        ) : dataset ? (
          <strong data-testid="lab-dataset-name">{describeDataset(dataset)}</strong>
        ) : (
          'no dataset yet: choose one below'
        )}
        .
      </p>
      <div className="inline-field">
        <SelectField label="Load another dataset" value={NONE} options={options} testId="lab-dataset-choice" disabled={blocked} onChange={choose} hint="Sets loaded or kept in this browser." />
      </div>
      <details className="lab-dataset-get" open={openAtStart} data-testid="lab-dataset-get">
        <summary>Download CIFAR-10/100 or open files</summary>
        {/* Not the one that reloads the last Hub set at start: the single-run page's does that. */}
        <DatasetDownloader origin={location.origin} disabled={blocked} loaders={loaders} storedVersion={dataset} autoLoadLast={false} session={downloads} />
        <div className="field">
          <DatasetFilesInput disabled={blocked} testId="lab-dataset-files" onFiles={(files) => void client.loadFiles(files)} />
        </div>
      </details>
      {mismatch && dataset ? (
        <p className="error" role="alert" data-testid="lab-dataset-mismatch">
          {mismatch}{' '}
          <button type="button" onClick={() => onChange({ ...plan, dataset: planDatasetOf(dataset) })} data-testid="lab-dataset-adopt">
            Plan for {dataset.name}
          </button>
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid="lab-dataset-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
