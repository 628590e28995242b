/**
 * One dataset download and what it needs, outside React (DatasetDownloader reads it through
 * useDatasetDownload): which datasets are on offer (whatever /datasets/index.json lists on this
 * site, the Hugging Face Hub's Parquet copies, the official CIFAR URLs), what is stored in the
 * browser and its size, and one download at a time with progress, cancel, resume and clear
 * errors (src/data/ does the work). A finished archive is handed to the training worker as its
 * bytes, the same path as a dropped file; the Hub's files, once their SHA-256 is checked, go to
 * the worker to be decoded and kept, and a kept set is loaded from the browser's store without a
 * request. Being outside the view, a session outlives it: the lab's picker keeps one for the
 * page's life (Shell), so a download goes on while another tab is shown and its result is there
 * on return.
 */
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

export interface DownloadSession {
  subscribe(listener: () => void): () => void;
  getSnapshot(): DownloadState;
  /** Where finished downloads go from now on (the latest the view passed). */
  setLoaders(loaders: DatasetLoaders): void;
  /** Reads this site's dataset index, once per session. */
  readIndex(): void;
  /** Re-reads what the browser's store keeps. */
  refreshStored(): Promise<void>;
  /** Loads `url`, absolute or relative to the site (from the browser's store when there, else downloaded and stored). */
  load(url: string): void;
  cancel(): void;
  /** Tries the failed URL again, continuing from what had arrived. */
  retry(): void;
  remove(url: string): void;
  /** Loads the last Hub dataset used when the browser still keeps it (a later visit needs no click and no request). */
  loadLastHub(): void;
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

/**
 * @param origin this site's origin, where /datasets/index.json is looked for and relative URLs resolve
 * @param loaders receive what was downloaded (setLoaders replaces them)
 */
export function createDownloadSession(origin: string, loaders: DatasetLoaders): DownloadSession {
  let state: DownloadState = {
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
  const listeners = new Set<() => void>();
  const update = (change: (s: DownloadState) => DownloadState) => {
    const next = change(state);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };
  let handTo = loaders;
  let cache: Promise<ByteCache | null> | null = null;
  let controller: AbortController | null = null;
  let indexRead = false;
  const getCache = () => (cache ??= openBrowserCache());

  const refreshStored = async () => {
    const c = await getCache();
    const stored = c ? await listStored(c).catch(() => []) : [];
    update((s) => ({ ...s, stored, canStore: c !== null }));
  };

  /** Aborts the download in progress and returns the controller of a new one. */
  const takeOver = () => {
    controller?.abort();
    const abort = new AbortController();
    controller = abort;
    return abort;
  };
  const release = (abort: AbortController) => {
    if (controller === abort) controller = null;
  };

  const startArchive = async (url: string, resumeFrom: PartialDownload | null) => {
    const abort = takeOver();
    update((s) => ({ ...s, phase: 'downloading', url, progress: null, error: null, partial: null, note: null }));
    try {
      const archive = await loadArchive(url, {
        cache: await getCache(),
        signal: abort.signal,
        resumeFrom,
        onProgress: (progress) => update((s) => (s.url === url ? { ...s, progress } : s)),
      });
      const note = archive.fromCache ? `${archive.name} was read from this browser's storage (no download).` : archive.storeProblem ? `Downloaded, but ${archive.storeProblem}.` : null;
      update((s) => ({ ...s, phase: 'done', note }));
      // As a File, the same path as a dropped one (the training client reads and transfers it).
      handTo.onArchive([new File([archive.bytes], archive.name, { type: 'application/gzip' })]);
      await refreshStored();
    } catch (err) {
      const error = errorMessage(err);
      const partial = err instanceof DownloadError ? err.partial : null;
      update((s) => ({ ...s, phase: 'failed', error, partial }));
    } finally {
      release(abort);
    }
  };

  /** A Hub dataset: the kept decoded set when there is one, else download, check and hand over. */
  const startHub = async (location: HubLocation) => {
    const abort = takeOver();
    const key = hubDatasetUrl(location);
    const name = `${location.dataset.name} (Hugging Face)`;
    update((s) => ({ ...s, phase: 'downloading', url: key, progress: null, error: null, partial: null, note: null }));
    try {
      const c = await getCache();
      if (c && (await hasDecoded(c, key))) {
        update((s) => ({ ...s, phase: 'done' }));
        writeLastHub({ key, name });
        handTo.onStored(key, name);
        return;
      }
      const download = await downloadHubDataset(location, {
        signal: abort.signal,
        onProgress: (progress) => update((s) => (s.url === key ? { ...s, progress } : s)),
      });
      const bytes = download.files.reduce((n, f) => n + f.bytes.byteLength, 0);
      update((s) => ({ ...s, phase: 'done', note: `${location.dataset.name}: ${formatBytes(bytes)} downloaded, ${download.check}. The images are decoded in the training worker.` }));
      writeLastHub(c ? { key, name } : null);
      handTo.onParquet(download.files, c ? { key, name } : undefined);
    } catch (err) {
      update((s) => ({ ...s, phase: 'failed', error: errorMessage(err), partial: null }));
    } finally {
      release(abort);
    }
  };

  const begin = (absolute: string, resumeFrom: PartialDownload | null) => {
    const hub = parseHubUrl(absolute);
    if (hub) void startHub(hub);
    else void startArchive(absolute, resumeFrom);
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => state,
    setLoaders(next) {
      handTo = next;
    },
    readIndex() {
      if (indexRead) return;
      indexRead = true;
      fetchDatasetIndex(origin).then(
        (local) => update((s) => ({ ...s, sources: [...local, ...defaultSources()] })),
        (err: unknown) => update((s) => ({ ...s, indexProblem: errorMessage(err) })),
      );
    },
    refreshStored,
    load(url) {
      let absolute: string;
      try {
        absolute = new URL(url, origin).href;
      } catch {
        update((s) => ({ ...s, phase: 'failed', url: null, error: `“${url}” is not a web address; it should look like https://…/cifar-10-binary.tar.gz.`, partial: null }));
        return;
      }
      begin(absolute, null);
    },
    cancel: () => controller?.abort(),
    retry() {
      if (state.url) begin(state.url, state.partial);
    },
    remove(url) {
      void (async () => {
        const c = await getCache();
        if (c) await removeStored(c, url);
        if (readLastHub()?.key === url) writeLastHub(null);
        await refreshStored();
      })();
    },
    loadLastHub() {
      const last = readLastHub();
      if (!last) return;
      void (async () => {
        const c = await getCache();
        if (c && (await hasDecoded(c, last.key))) handTo.onStored(last.key, last.name);
        else writeLastHub(null);
      })();
    },
  };
}
