/**
 * Download a dataset in the page: pick one this site offers (/datasets/, filled by
 * `npm run data`), CIFAR-10 or CIFAR-100 from the Hugging Face Hub (the one-click default), an
 * official CIFAR URL, or type another; watch it arrive (bytes, rate, time left), cancel or
 * resume it; it is kept in the browser so the next visit loads it without the network, and the
 * space it takes is shown with a button to remove it. The logic is in useDatasetDownload.ts and
 * src/data/.
 */
import { memo, useId, useState } from 'react';
import { formatBytes, formatDuration, formatRate } from '../data/format';
import type { DownloadSession } from './downloadSession';
import { useDatasetDownload, type DatasetLoaders } from './useDatasetDownload';
import './DatasetDownloader.css';

export interface DatasetDownloaderProps {
  /** This site's origin (where /datasets/index.json is looked for). */
  origin: string;
  /** Training or loading in progress: no new download may start. */
  disabled: boolean;
  /** Receive what was downloaded (the training client's loaders). */
  loaders: DatasetLoaders;
  /** The loaded dataset: when it changes, the worker may have stored it, so the stored list is re-read. */
  storedVersion?: unknown;
  /** Load the last Hub dataset used, kept in the browser, once the page has its first dataset (default true; one downloader per page). */
  autoLoadLast?: boolean;
  /** A session that outlives this panel (the lab's: its download goes on while the tab is hidden); else the panel owns one. */
  session?: DownloadSession;
}

const OTHER = 'other';

/** Memoised: it re-renders on its own state and props, not on the training's progress ticks. */
export const DatasetDownloader = memo(function DatasetDownloader({ origin, disabled, loaders, storedVersion, autoLoadLast = true, session }: DatasetDownloaderProps) {
  const id = useId();
  const d = useDatasetDownload(origin, loaders, storedVersion, autoLoadLast, session);
  const [choice, setChoice] = useState<string | null>(null);
  const [customUrl, setCustomUrl] = useState('');
  const busy = d.phase === 'downloading';
  // A download under way (begun before this panel was last shown) names its own source.
  const selected = choice ?? (busy && d.sources.some((s) => s.url === d.url) ? d.url : null) ?? d.sources[0]?.url ?? OTHER;
  const url = selected === OTHER ? customUrl.trim() : selected;
  const isStored = (u: string) => d.stored.some((s) => s.url === u);
  const total = d.stored.reduce((n, s) => n + s.bytes, 0);
  const p = d.progress;

  return (
    <section className="panel downloader" aria-labelledby={`${id}-title`} data-testid="download-panel">
      <h2 id={`${id}-title`}>Download a dataset</h2>
      <div className="field">
        <label htmlFor={`${id}-source`}>Source</label>
        <select id={`${id}-source`} value={selected} onChange={(e) => setChoice(e.target.value)} disabled={busy} data-testid="download-source">
          {d.sources.map((s) => (
            <option key={s.url} value={s.url}>
              {s.label}
              {isStored(s.url) ? ' — stored' : ''}
            </option>
          ))}
          <option value={OTHER}>Another URL…</option>
        </select>
      </div>
      {selected === OTHER ? (
        <div className="field">
          <label htmlFor={`${id}-url`}>Archive or Hugging Face dataset URL</label>
          <input id={`${id}-url`} type="url" value={customUrl} placeholder="https://…/cifar-10-binary.tar.gz or https://…/datasets/uoft-cs/cifar10" onChange={(e) => setCustomUrl(e.target.value)} disabled={busy} data-testid="download-url" />
        </div>
      ) : null}
      <div className="downloader-actions">
        <button type="button" className="primary" disabled={disabled || busy || url === ''} onClick={() => d.load(url)} data-testid="download-start">
          {isStored(url) ? 'Load stored copy' : 'Download and load'}
        </button>
        {busy ? (
          <button type="button" onClick={d.cancel} data-testid="download-cancel">
            Cancel
          </button>
        ) : null}
      </div>
      {busy ? (
        <div className="downloader-progress" data-testid="download-progress" aria-live="polite">
          <progress value={p?.loaded ?? 0} max={p?.total ?? undefined} aria-label="Download progress" />
          <span data-testid="download-progress-text">
            {p ? `${formatBytes(p.loaded)}${p.total ? ` of ${formatBytes(p.total)}` : ''} · ${formatRate(p.bytesPerSecond)} · ${formatDuration(p.etaSeconds)} left` : 'Connecting…'}
          </span>
        </div>
      ) : null}
      {d.error ? (
        <div className="downloader-error">
          <p className="error" role="alert" data-testid="download-error">
            {d.error}
          </p>
          {d.phase === 'failed' && d.url ? (
            <button type="button" onClick={d.retry} disabled={disabled} data-testid="download-retry">
              {d.partial ? `Resume from ${formatBytes(d.partial.bytes.length)}` : 'Try again'}
            </button>
          ) : null}
        </div>
      ) : null}
      {d.note ? <p className="field-hint" data-testid="download-note">{d.note}</p> : null}
      {d.indexProblem ? <p className="field-hint">This site’s dataset list could not be read: {d.indexProblem}</p> : null}
      {d.stored.length > 0 ? (
        <div className="stored" data-testid="stored-list">
          <p className="stored-total" data-testid="stored-total">
            Stored in this browser: {formatBytes(total)}
          </p>
          <ul>
            {d.stored.map((s) => (
              <li key={s.url}>
                <span title={s.url}>{s.name}</span> <span className="field-hint">{formatBytes(s.bytes)}</span>
                <button type="button" onClick={() => d.remove(s.url)} disabled={busy} aria-label={`Remove ${s.name} from this browser`} data-testid="stored-remove">
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : !d.canStore ? (
        <p className="field-hint">This browser keeps no copy here (no Cache Storage): each load downloads again.</p>
      ) : null}
    </section>
  );
});
