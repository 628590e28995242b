/**
 * The download side of dataset loading, for DatasetDownloader: which datasets are on offer
 * (whatever /datasets/index.json lists on this site, the Hugging Face Hub's Parquet copies, the
 * official CIFAR URLs), what is stored in the browser and its size, and one download at a time
 * with progress, cancel, resume and clear errors (src/data/ does the work; this hook holds the
 * React state). A finished archive is handed to the training worker as its bytes, the same path
 * as a dropped file; the Hub's files, once their SHA-256 is checked, go to the worker to be
 * decoded and kept, and a kept set is loaded from the browser's store without a request; the
 * last Hub dataset used is loaded that way on the next visit, once the page has its first dataset.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchDatasetIndex, hubOptions, officialOptions, type DatasetSourceOption } from '../data/datasetIndex';
import { hasDecoded } from '../data/decodedStore';
import { formatBytes } from '../data/format';
import { downloadHubDataset, hubDatasetUrl, parseHubUrl, type HubLocation } from '../data/hubSource';
import { listStored, loadArchive, openBrowserCache, removeStored, type ByteCache, type StoredArchive } from '../data/datasetStore';
import { DownloadError, type DownloadProgress, type PartialDownload } from '../data/download';
import { errorMessage } from '../engine/errorMessage';
import type { TrainingClient } from '../client/trainingClient';

export type DownloadPhase = 'idle' | 'downloading' | 'done' | 'failed';

export interface DownloadState {
  /** Archives on this site first, then the Hub's Parquet copies, then the official archives. */
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

/** Where finished downloads go (the training client's loaders). */
export interface DatasetLoaders {
  /** A finished archive (trainingClient.loadFiles). */
  onArchive: (files: File[]) => void;
  /** The Hub's checked Parquet files, kept under `storeAs` once decoded (trainingClient.loadParquet). */
  onParquet: (files: { name: string; bytes: ArrayBuffer }[], storeAs?: { key: string; name: string }) => void;
  /** A decoded set kept earlier (trainingClient.loadStored). */
  onStored: (key: string, name: string) => void;
}

/** The training client's loaders, to which downloads are handed (the single-run page and the lab's picker). */
export function clientLoaders(client: Pick<TrainingClient, 'loadFiles' | 'loadParquet' | 'loadStored'>): DatasetLoaders {
  return {
    onArchive: (files) => void client.loadFiles(files),
    onParquet: (files, storeAs) => client.loadParquet(files, storeAs),
    onStored: (key, name) => client.loadStored(key, name),
  };
}

const defaultSources = () => [...hubOptions(), ...officialOptions()];

/** Where the last Hub dataset used is remembered (its store key and name), for the next visit. */
const LAST_HUB_KEY = 'trick-lab:last-hub-dataset';

function readLastHub(): { key: string; name: string } | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(LAST_HUB_KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { key, name } = value as Record<string, unknown>;
    return typeof key === 'string' && typeof name === 'string' && parseHubUrl(key) ? { key, name } : null;
  } catch {
    return null; // storage off, or not ours
  }
}

function writeLastHub(value: { key: string; name: string } | null): void {
  try {
    if (value) localStorage.setItem(LAST_HUB_KEY, JSON.stringify(value));
    else localStorage.removeItem(LAST_HUB_KEY);
  } catch {
    // storage off: nothing is remembered
  }
}

const INITIAL: DownloadState = {
  sources: defaultSources(),
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
 * @param loaders receive what was downloaded (the training client's loaders)
 * @param storedVersion changes when the worker may have stored a dataset (the stored list is re-read)
 * @param autoLoadLast load the last Hub dataset used, once, at the first dataset (only one
 *   downloader on the page should: the single-run page's; the lab's picker passes false)
 */
export function useDatasetDownload(origin: string, loaders: DatasetLoaders, storedVersion: unknown = null, autoLoadLast = true): DatasetDownload {
  const [state, setState] = useState<DownloadState>(INITIAL);
  const cache = useRef<Promise<ByteCache | null> | null>(null);
  const controller = useRef<AbortController | null>(null);
  const loadersRef = useRef(loaders);
  useEffect(() => {
    loadersRef.current = loaders;
  }, [loaders]);

  const getCache = useCallback(() => (cache.current ??= openBrowserCache()), []);
  const refreshStored = useCallback(async () => {
    const c = await getCache();
    const stored = c ? await listStored(c).catch(() => []) : [];
    setState((s) => ({ ...s, stored, canStore: c !== null }));
  }, [getCache]);

  useEffect(() => {
    let live = true;
    fetchDatasetIndex(origin).then(
      (local) => live && setState((s) => ({ ...s, sources: [...local, ...defaultSources()] })),
      (err: unknown) => live && setState((s) => ({ ...s, indexProblem: errorMessage(err) })),
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
        loadersRef.current.onArchive([new File([archive.bytes], archive.name, { type: 'application/gzip' })]);
        await refreshStored();
      } catch (err) {
        const error = errorMessage(err);
        const partial = err instanceof DownloadError ? err.partial : null;
        setState((s) => ({ ...s, phase: 'failed', error, partial }));
      } finally {
        if (controller.current === abort) controller.current = null;
      }
    },
    [getCache, refreshStored],
  );

  /** A Hub dataset: the kept decoded set when there is one, else download, check and hand over. */
  const startHub = useCallback(
    async (location: HubLocation) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const key = hubDatasetUrl(location);
      const name = `${location.dataset.name} (Hugging Face)`;
      setState((s) => ({ ...s, phase: 'downloading', url: key, progress: null, error: null, partial: null, note: null }));
      try {
        const c = await getCache();
        if (c && (await hasDecoded(c, key))) {
          setState((s) => ({ ...s, phase: 'done' }));
          writeLastHub({ key, name });
          loadersRef.current.onStored(key, name);
          return;
        }
        const download = await downloadHubDataset(location, {
          signal: abort.signal,
          onProgress: (progress) => setState((s) => (s.url === key ? { ...s, progress } : s)),
        });
        const bytes = download.files.reduce((n, f) => n + f.bytes.byteLength, 0);
        setState((s) => ({ ...s, phase: 'done', note: `${location.dataset.name}: ${formatBytes(bytes)} downloaded, ${download.check}. The images are decoded in the training worker.` }));
        writeLastHub(c ? { key, name } : null);
        loadersRef.current.onParquet(download.files, c ? { key, name } : undefined);
      } catch (err) {
        setState((s) => ({ ...s, phase: 'failed', error: errorMessage(err), partial: null }));
      } finally {
        if (controller.current === abort) controller.current = null;
      }
    },
    [getCache],
  );

  useEffect(() => () => controller.current?.abort(), []);
  // The worker keeps a decoded set after it loads one: list it then.
  useEffect(() => {
    void refreshStored();
  }, [storedVersion, refreshStored]);

  // Once the page has its first dataset (so a failure leaves one loaded), load the last Hub
  // dataset used when the browser still keeps it: a later visit needs no click and no request.
  const autoLoaded = useRef(false);
  useEffect(() => {
    if (!autoLoadLast || autoLoaded.current || storedVersion === null || storedVersion === undefined) return;
    autoLoaded.current = true;
    const last = readLastHub();
    if (!last) return;
    void (async () => {
      const c = await getCache();
      if (c && (await hasDecoded(c, last.key))) loadersRef.current.onStored(last.key, last.name);
      else writeLastHub(null);
    })();
  }, [storedVersion, getCache, autoLoadLast]);

  const begin = (absolute: string, resumeFrom: PartialDownload | null) => {
    const hub = parseHubUrl(absolute);
    if (hub) void startHub(hub);
    else void start(absolute, resumeFrom);
  };

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
      begin(absolute, null);
    },
    cancel: () => controller.current?.abort(),
    retry: () => {
      if (state.url) begin(state.url, state.partial);
    },
    remove: (url) => {
      void (async () => {
        const c = await getCache();
        if (c) await removeStored(c, url);
        if (readLastHub()?.key === url) writeLastHub(null);
        await refreshStored();
      })();
    },
  };
}
