/**
 * Export and import: the lab as one versioned JSON file (docs/export-format.md), and files to
 * compare with local runs (lab exports from any browser, `npm run ablate` exports, or one run's
 * results from `npm run train`). A bad file gets a clear message and changes nothing; a file
 * over the size limit is refused before it is read. Messages are plain text, never HTML.
 */
import { useState } from 'react';
import { MAX_IMPORT_BYTES } from '../../engine/lab/importLab';
import { parseImportOffThread } from '../../client/parseImportOffThread';
import { errorMessage } from '../../engine/errorMessage';
import type { LabController, Notice } from '../../lab/labController';
import { downloadLabExport } from './downloads';

export interface ImportExportBarProps {
  lab: LabController;
  notices: readonly Notice[];
  runCount: number;
  busy: boolean;
}

/** Reads and checks each file off the main thread (a big export is seconds of parsing), then adds its runs. */
async function readFiles(lab: LabController, files: readonly File[]): Promise<void> {
  for (const f of files) {
    if (f.size > MAX_IMPORT_BYTES) {
      lab.notify('error', `${f.name} was not imported: it is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
      continue;
    }
    try {
      lab.addImported(f.name, await parseImportOffThread(await f.text(), f.name));
    } catch (err) {
      lab.notify('error', errorMessage(err));
    }
  }
}

export function ImportExportBar({ lab, notices, runCount, busy }: ImportExportBarProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="panel lab-files" aria-label="Export and import">
      <div className="run-controls">
        <button type="button" onClick={() => downloadLabExport(lab)} disabled={runCount === 0} data-testid="lab-export">
          Export JSON
        </button>
        <label className="lab-import">
          Import files
          <input
            type="file"
            accept=".json,application/json"
            multiple
            data-testid="lab-import"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void readFiles(lab, files);
            }}
          />
        </label>
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => void lab.clearAll().then(() => setConfirming(false))} data-testid="lab-clear-confirm">
              Delete every run
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep them
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} disabled={runCount === 0 || busy}>
            Clear lab…
          </button>
        )}
      </div>
      <ul className="lab-notices" data-testid="lab-notices">
        {notices.map((n) => (
          <li key={n.id} className={n.kind === 'error' ? 'error' : 'field-hint'} role={n.kind === 'error' ? 'alert' : 'status'} data-testid="lab-notice" data-kind={n.kind}>
            <span data-testid="lab-notice-text">{n.text}</span>{' '}
            <button type="button" aria-label="Dismiss" onClick={() => lab.dismissNotice(n.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
