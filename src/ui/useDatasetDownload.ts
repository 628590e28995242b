/**
 * The download side of dataset loading, for DatasetDownloader: which archives are on offer (the
 * official CIFAR URLs and whatever /datasets/index.json lists on this site), what is stored in
 * the browser and its size, and one download at a time with progress, cancel, resume and clear
 * errors (src/data/ does the work; this hook holds the React state). A finished archive is
 * handed to the training worker as its bytes, the same path as a dropped file.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchDatasetIndex, officialOptions, type DatasetSourceOption } from '../data/datasetIndex';
import { listStored, loadArchive, openBrowserCache, removeStored, type ByteCache, type StoredArchive } from '../data/datasetStore';
import { DownloadError, type DownloadProgress, type PartialDownload } from '../data/download';

export type DownloadPhase = 'idle' | 'downloading' | 'done' | 'failed';

export interface DownloadState {
  /** Archives on this site first, then the official ones. */
  sources: DatasetSourceOption[];
  /** Why /datasets/index.json could not be read (an absent index is not a problem). */
  indexProblem: string | null;
  stored: StoredArchive[];
  /** False where the browser offers no Cache Storage (then nothing is kept). */
  canStore: boolean;
  phase: DownloadPhase;
  url: string | null;
  progress: DownloadProgress | null;
  error: string | null;
  /** What arrived before a failure or cancel: Retry continues from it. */
  partial: PartialDownload | null;
  /** A remark on the last load (read from the browser's store, or could not store it). */
  note: string | null;
}

export interface DatasetDownload extends DownloadState {
  /** Loads `url`, absolute or relative to the site (from the browser's store when there, else downloaded and stored). */
  load(url: string): void;
  cancel(): void;
  /** Tries the failed URL again, continuing from what had arrived. */
  retry(): void;
  remove(url: string): void;
}

const INITIAL: DownloadState = {
  sources: officialOptions(),
  indexProblem: null,
  stored: [],
  canStore: true,
  phase: 'idle',
  url: null,
  progress: null,
  error: null,
  partial: null,
  note: null,
};

/**
 * @param origin this site's origin, where /datasets/index.json is looked for
 * @param onArchive receives a finished archive (e.g. trainingClient.loadFiles)
 */
export function useDatasetDownload(origin: string, onArchive: (files: File[]) => void): DatasetDownload {
  const [state, setState] = useState<DownloadState>(INITIAL);
  const cache = useRef<Promise<ByteCache | null> | null>(null);
  const controller = useRef<AbortController | null>(null);
  const onArchiveRef = useRef(onArchive);
  useEffect(() => {
    onArchiveRef.current = onArchive;
  }, [onArchive]);

  const getCache = useCallback(() => (cache.current ??= openBrowserCache()), []);
  const refreshStored = useCallback(async () => {
    const c = await getCache();
    const stored = c ? await listStored(c).catch(() => []) : [];
    setState((s) => ({ ...s, stored, canStore: c !== null }));
  }, [getCache]);

  useEffect(() => {
    let live = true;
    getCache()
      .then(async (c) => ({ c, stored: c ? await listStored(c).catch(() => []) : [] }))
      .then(({ c, stored }) => live && setState((s) => ({ ...s, stored, canStore: c !== null })));
    fetchDatasetIndex(origin).then(
      (local) => live && setState((s) => ({ ...s, sources: [...local, ...officialOptions()] })),
      (err: unknown) => live && setState((s) => ({ ...s, indexProblem: err instanceof Error ? err.message : String(err) })),
    );
    return () => {
      live = false;
    };
  }, [origin, getCache]);

  const start = useCallback(
    async (url: string, resumeFrom: PartialDownload | null) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setState((s) => ({ ...s, phase: 'downloading', url, progress: null, error: null, partial: null, note: null }));
      try {
        const archive = await loadArchive(url, {
          cache: await getCache(),
          signal: abort.signal,
          resumeFrom,
          onProgress: (progress) => setState((s) => (s.url === url ? { ...s, progress } : s)),
        });
        const note = archive.fromCache ? `${archive.name} was read from this browser's storage (no download).` : archive.storeProblem ? `Downloaded, but ${archive.storeProblem}.` : null;
        setState((s) => ({ ...s, phase: 'done', note }));
        // As a File, the same path as a dropped one (the training client reads and transfers it).
        onArchiveRef.current([new File([archive.bytes], archive.name, { type: 'application/gzip' })]);
        await refreshStored();
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        const partial = err instanceof DownloadError ? err.partial : null;
        setState((s) => ({ ...s, phase: 'failed', error, partial }));
      } finally {
        if (controller.current === abort) controller.current = null;
      }
    },
    [getCache, refreshStored],
  );

  useEffect(() => () => controller.current?.abort(), []);

  return {
    ...state,
    load: (url) => {
      let absolute: string;
      try {
        absolute = new URL(url, origin).href;
      } catch {
        setState((s) => ({ ...s, phase: 'failed', url: null, error: `“${url}” is not a web address; it should look like https://…/cifar-10-binary.tar.gz.`, partial: null }));
        return;
      }
      void start(absolute, null);
    },
    cancel: () => controller.current?.abort(),
    retry: () => {
      if (state.url) void start(state.url, state.partial);
    },
    remove: (url) => {
      void (async () => {
        const c = await getCache();
        if (c) await removeStored(c, url);
        await refreshStored();
      })();
    },
  };
}
