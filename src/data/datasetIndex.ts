/**
 * Where datasets come from: the official archives on the CIFAR page (Krizhevsky 2009,
 * https://www.cs.toronto.edu/~kriz/cifar.html, with the MD5 sums published there), and the
 * archives `npm run data` put under public/datasets/, listed in /datasets/index.json, which the
 * app reads at start-up (a missing index simply means none). The index is validated like any
 * other input: it is a file on disk that anyone could have edited.
 */
import { hubDatasetUrl, hubLocations } from './hubSource';

export type ArchiveDatasetId = 'cifar10' | 'cifar100';

/** One official archive. */
export interface OfficialArchive {
  id: ArchiveDatasetId;
  name: string;
  file: string;
  url: string;
  /** MD5 of the file, as published on the dataset page. */
  md5: string;
  /** Approximate size for the UI ("162 MB"). */
  approxMB: number;
}

export const OFFICIAL_ARCHIVES: readonly OfficialArchive[] = [
  {
    id: 'cifar10',
    name: 'CIFAR-10',
    file: 'cifar-10-binary.tar.gz',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    approxMB: 162,
  },
  {
    id: 'cifar100',
    name: 'CIFAR-100',
    file: 'cifar-100-binary.tar.gz',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    approxMB: 161,
  },
];

/** One archive listed in /datasets/index.json (the file lies beside the index). */
export interface IndexEntry {
  id: ArchiveDatasetId;
  name: string;
  /** File name in the datasets folder (no path). */
  file: string;
  bytes: number;
  md5: string;
  /** Where it was downloaded from. */
  source: string;
  /** ISO time of the download. */
  downloadedAt: string;
}

export interface DatasetIndex {
  version: 1;
  datasets: IndexEntry[];
}

/** Path of the index under the app's origin (public/datasets/index.json on disk). */
export const INDEX_PATH = '/datasets/index.json';

/** Thrown for an index.json that is not one this app wrote. */
export class IndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed index.json: version 1, and entries with a known id, a plain file name (no
 * folder, no '..': it becomes a URL and a path), a size, an MD5.
 * @throws IndexError naming the entry and the field
 */
export function parseDatasetIndex(value: unknown): DatasetIndex {
  if (!isRecord(value) || value.version !== 1 || !Array.isArray(value.datasets)) {
    throw new IndexError('index.json is not a dataset index of this app (expected {"version": 1, "datasets": [...]})');
  }
  const datasets = value.datasets.map((entry, i): IndexEntry => {
    const where = `index.json datasets[${i}]`;
    if (!isRecord(entry)) throw new IndexError(`${where} is not an object`);
    const { id, name, file, bytes, md5, source, downloadedAt } = entry;
    if (id !== 'cifar10' && id !== 'cifar100') throw new IndexError(`${where}.id must be cifar10 or cifar100`);
    if (typeof name !== 'string' || name.length > 100) throw new IndexError(`${where}.name must be a short string`);
    if (typeof file !== 'string' || !/^[\w][\w.-]{0,120}$/.test(file) || file.includes('..')) {
      throw new IndexError(`${where}.file must be a plain file name in the datasets folder`);
    }
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes <= 0) throw new IndexError(`${where}.bytes must be a positive whole number`);
    if (typeof md5 !== 'string' || !/^[0-9a-f]{32}$/.test(md5)) throw new IndexError(`${where}.md5 must be 32 hex digits`);
    return {
      id, name, file, bytes, md5,
      source: typeof source === 'string' ? source : '',
      downloadedAt: typeof downloadedAt === 'string' ? downloadedAt : '',
    };
  });
  return { version: 1, datasets };
}

/** The index with `entry` added, replacing an entry of the same file. */
export function withEntry(index: DatasetIndex, entry: IndexEntry): DatasetIndex {
  const others = index.datasets.filter((e) => e.file !== entry.file);
  return { version: 1, datasets: [...others, entry].sort((a, b) => a.file.localeCompare(b.file)) };
}

/** A dataset the page can offer: an official URL, or an archive on the app's own origin. */
export interface DatasetSourceOption {
  /** Absolute URL to download. */
  url: string;
  label: string;
  kind: 'local' | 'hub' | 'official';
  /** Size when known, bytes. */
  bytes: number | null;
}

/**
 * Reads /datasets/index.json from `origin`: the local archives, or [] when there is no index
 * (404, or a static host that answers with its HTML page).
 * @throws IndexError for an index that exists but is malformed
 */
export async function fetchDatasetIndex(origin: string, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Promise<DatasetSourceOption[]> {
  let response: Response;
  try {
    response = await fetchImpl(new URL(INDEX_PATH, origin).href, { cache: 'no-cache' });
  } catch {
    return [];
  }
  if (!response.ok) return [];
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (text.trimStart().startsWith('<')) return []; // a dev server's fallback page: no index
    throw new IndexError('index.json is not valid JSON; run `npm run data -- cifar10` again to rewrite it');
  }
  return parseDatasetIndex(json).datasets.map((e) => ({
    url: new URL(`/datasets/${encodeURIComponent(e.file)}`, origin).href,
    label: `${e.name} (this site: ${e.file})`,
    kind: 'local',
    bytes: e.bytes,
  }));
}

/** The Hugging Face Hub's Parquet copies as options (CORS-enabled: they download in the page). */
export function hubOptions(): DatasetSourceOption[] {
  return hubLocations().map((location) => ({
    url: hubDatasetUrl(location),
    label: `${location.dataset.name} (Hugging Face, ${location.dataset.approxMB} MB, Parquet)`,
    kind: 'hub',
    bytes: null,
  }));
}

/** The official archives as options (their server may refuse cross-origin downloads: see download.ts). */
export function officialOptions(): DatasetSourceOption[] {
  return OFFICIAL_ARCHIVES.map((a) => ({
    url: a.url,
    label: `${a.name} (official, ${a.approxMB} MB, cs.toronto.edu)`,
    kind: 'official',
    bytes: null,
  }));
}

