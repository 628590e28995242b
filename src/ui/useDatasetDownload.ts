/**
 * The download side of dataset loading, for DatasetDownloader: a download session
 * (downloadSession.ts) read through useSyncExternalStore. A downloader owns its session unless
 * it is given one that outlives it (the lab's picker: Shell keeps its session, so leaving the
 * lab's tab does not cancel its download); an owned session's download is cancelled when the
 * view goes. The last Hub dataset used is loaded from the browser's store on the next visit,
 * once the page has its first dataset.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createDownloadSession, type DatasetLoaders, type DownloadSession, type DownloadState } from './downloadSession';

export { clientLoaders, type DatasetLoaders, type DownloadPhase, type DownloadState } from './downloadSession';

export interface DatasetDownload extends DownloadState {
  /** Loads `url`, absolute or relative to the site (from the browser's store when there, else downloaded and stored). */
  load(url: string): void;
  cancel(): void;
  /** Tries the failed URL again, continuing from what had arrived. */
  retry(): void;
  remove(url: string): void;
}

/**
 * @param origin this site's origin, where /datasets/index.json is looked for
 * @param loaders receive what was downloaded (the training client's loaders)
 * @param storedVersion changes when the worker may have stored a dataset (the stored list is re-read)
 * @param autoLoadLast load the last Hub dataset used, once, at the first dataset (only one
 *   downloader on the page should: the single-run page's; the lab's picker passes false)
 * @param kept a session that outlives this view (its download goes on when the view unmounts)
 */
export function useDatasetDownload(origin: string, loaders: DatasetLoaders, storedVersion: unknown = null, autoLoadLast = true, kept?: DownloadSession): DatasetDownload {
  const [own] = useState(() => (kept ? null : createDownloadSession(origin, loaders)));
  const session = kept ?? own;
  if (!session) throw new Error('useDatasetDownload: no session'); // unreachable: one of the two is set
  useEffect(() => session.setLoaders(loaders), [session, loaders]);
  useEffect(() => session.readIndex(), [session]);
  // Only a session this view owns ends with it.
  useEffect(() => (own ? () => own.cancel() : undefined), [own]);
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  // The worker keeps a decoded set after it loads one: list it then.
  useEffect(() => {
    void session.refreshStored();
  }, [storedVersion, session]);

  // Once the page has its first dataset (so a failure leaves one loaded), load the last Hub
  // dataset used when the browser still keeps it: a later visit needs no click and no request.
  const autoLoaded = useRef(false);
  useEffect(() => {
    if (!autoLoadLast || autoLoaded.current || storedVersion === null || storedVersion === undefined) return;
    autoLoaded.current = true;
    session.loadLastHub();
  }, [storedVersion, session, autoLoadLast]);

  return { ...state, load: session.load, cancel: session.cancel, retry: session.retry, remove: session.remove };
}
