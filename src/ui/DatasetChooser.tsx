/**
 * Picks the training data: the embedded synthetic set (default, no download) or CIFAR from the
 * user's own files (cifar-10-binary.tar.gz or cifar-100-binary.tar.gz, their .bin files, or the
 * Hugging Face Parquet files), by file picker or drag and drop. Files are read as ArrayBuffers
 * and transferred to the worker, which parses them; a slow load (decoding images) shows how far
 * it is.
 */
import { useId, useState, type DragEvent } from 'react';
import type { TrainingState } from '../client/trainingClient';
import type { DatasetInfo } from '../worker/protocol';

/** The files a CIFAR dataset may come as (the file pickers' accept list) and how they are described. */
const DATASET_FILE_ACCEPT = '.gz,.tgz,.tar,.bin,.txt,.parquet';
const DATASET_FILE_LABEL = 'CIFAR files (the .tar.gz, its .bin files, or Hugging Face .parquet files)';

/** The labelled file picker for CIFAR files, on the single-run page and in the lab's picker. */
export function DatasetFilesInput({ disabled, testId, onFiles }: { disabled: boolean; testId: string; onFiles: (files: File[]) => void }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{DATASET_FILE_LABEL}</label>
      <input
        id={id}
        type="file"
        multiple
        accept={DATASET_FILE_ACCEPT}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // choosing the same file again must fire again
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}

export interface DatasetChooserProps {
  dataset: DatasetInfo | null;
  loading: boolean;
  error: string | null;
  /** How far a slow load is (decoding images). */
  progress?: TrainingState['datasetProgress'];
  disabled: boolean;
  onUseSynthetic: () => void;
  onFiles: (files: File[]) => void;
}

export function DatasetChooser({ dataset, loading, error, progress = null, disabled, onUseSynthetic, onFiles }: DatasetChooserProps) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const blocked = disabled || loading;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (!blocked && e.dataTransfer.files.length > 0) onFiles(Array.from(e.dataTransfer.files));
  };

  return (
    <section className="panel dataset" aria-labelledby={`${inputId}-title`} data-testid="dataset-chooser">
      <h2 id={`${inputId}-title`}>Dataset</h2>
      <p className="dataset-status" data-testid="dataset-status" aria-live="polite">
        {loading ? (
          progress ? (
            <span data-testid="dataset-progress">
              {progress.message}: {progress.done.toLocaleString('en')} of {progress.total.toLocaleString('en')}
            </span>
          ) : (
            'Loading…'
          )
        ) : dataset ? (
          <>
            <strong data-testid="dataset-name">{dataset.name}</strong>: <span data-testid="dataset-train-count">{dataset.trainCount}</span> training images,{' '}
            {dataset.testCount > 0 ? `${dataset.testCount} test images` : 'validation split held out from training'}
          </>
        ) : (
          'No dataset loaded yet.'
        )}
      </p>
      {!loading && dataset?.note ? (
        <p className="field-hint" data-testid="dataset-note">
          {dataset.note}
        </p>
      ) : null}
      <button type="button" onClick={onUseSynthetic} disabled={blocked || dataset?.id === 'synthetic'} data-testid="dataset-use-synthetic">
        Use embedded synthetic data
      </button>
      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        data-testid="dataset-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <DatasetFilesInput disabled={blocked} testId="dataset-file-input" onFiles={onFiles} />
        <span className="field-hint">…or drop them here.</span>
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="dataset-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
