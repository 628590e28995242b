/**
 * CIFAR-10 and CIFAR-100 from the Hugging Face Hub, which serves them with CORS headers, so a
 * page can download them (the official CIFAR host sends none). DOM-free: used by the page and by
 * `npm run data -- --source hf`.
 *
 * What this relies on (checked against the Hub's pages and huggingface.js, not fetched here):
 * - uoft-cs/cifar10 keeps `plain_text/train-00000-of-00001.parquet` (120 MB) and
 *   `plain_text/test-00000-of-00001.parquet` (24 MB) on `main`; uoft-cs/cifar100 keeps them
 *   under `cifar100/` (its config is named cifar100, not plain_text). Columns: `img` {bytes,
 *   path} and `label`; CIFAR-100: `img`, `fine_label`, `coarse_label` (parquetCifar.ts reads them).
 * - Files download from `<hub>/datasets/<repo>/resolve/<revision>/<path>`, which answers with a
 *   302 to the storage host; plain GETs through it carry CORS headers, but that host has refused
 *   Range preflights, so a download cut short starts over instead of resuming.
 * - The SHA-256 of a large file is its Git LFS object id: the tree API,
 *   `<hub>/api/datasets/<repo>/tree/<revision>/<folder>`, lists `{type, path, size, lfs: {oid,
 *   size}}` per file (huggingface.js's ListFileEntry). The resolve response's X-Linked-ETag
 *   carries the same hash, but on the 302, which a page's fetch follows without showing it.
 */
import { downloadBytes, DownloadError, type DownloadOptions, type DownloadProgress } from './download';
import { formatBytes } from './format';
import { errorMessage } from '../engine/errorMessage';

export const HUB_ORIGIN = 'https://huggingface.co';

/** One dataset on the Hub. */
export interface HubDataset {
  id: 'cifar10' | 'cifar100';
  name: string;
  repo: string;
  folder: string;
  files: readonly string[];
  approxMB: number;
}

export const HUB_DATASETS: readonly HubDataset[] = [
  { id: 'cifar10', name: 'CIFAR-10', repo: 'uoft-cs/cifar10', folder: 'plain_text', files: ['train-00000-of-00001.parquet', 'test-00000-of-00001.parquet'], approxMB: 144 },
  { id: 'cifar100', name: 'CIFAR-100', repo: 'uoft-cs/cifar100', folder: 'cifar100', files: ['train-00000-of-00001.parquet', 'test-00000-of-00001.parquet'], approxMB: 143 },
];

/** A Hub dataset at a given host (the Hub itself, a mirror, or a test server). */
export interface HubLocation {
  dataset: HubDataset;
  /** Scheme, host and port, e.g. https://huggingface.co. */
  origin: string;
  revision: string;
}

/** The page address of a Hub dataset, which also names it in the browser's store. */
export function hubDatasetUrl(location: HubLocation): string {
  return `${location.origin}/datasets/${location.dataset.repo}`;
}

/** The Hub datasets as they are offered: the dataset page address on huggingface.co. */
export function hubLocations(): HubLocation[] {
  return HUB_DATASETS.map((dataset) => ({ dataset, origin: HUB_ORIGIN, revision: 'main' }));
}

/**
 * The Hub dataset an address names: `<origin>/datasets/uoft-cs/cifar10` (or cifar100), on any
 * host, so a mirror of the Hub works too; null for any other address.
 */
export function parseHubUrl(url: string): HubLocation | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  const dataset = HUB_DATASETS.find((d) => path === `/datasets/${d.repo}`);
  return dataset && (parsed.protocol === 'https:' || parsed.protocol === 'http:') ? { dataset, origin: parsed.origin, revision: 'main' } : null;
}

export function hubFileUrl(location: HubLocation, file: string): string {
  const { origin, dataset, revision } = location;
  return `${origin}/datasets/${dataset.repo}/resolve/${revision}/${dataset.folder}/${file}`;
}

export function hubTreeUrl(location: HubLocation): string {
  const { origin, dataset, revision } = location;
  return `${origin}/api/datasets/${dataset.repo}/tree/${revision}/${dataset.folder}`;
}

/** What the Hub publishes about one file. */
export interface PublishedFile {
  size: number;
  sha256: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the SHA-256 and size of each file of the dataset from the tree listing.
 * @throws Error saying why the listing is unusable (the caller decides whether to go on without it)
 */
export async function fetchPublishedFiles(location: HubLocation, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis), signal?: AbortSignal): Promise<Map<string, PublishedFile>> {
  const url = hubTreeUrl(location);
  const response = await fetchImpl(url, { signal, headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`the file list ${url} answered ${response.status}`);
  const json: unknown = await response.json().catch(() => null);
  if (!Array.isArray(json)) throw new Error(`the file list ${url} is not a JSON list`);
  const out = new Map<string, PublishedFile>();
  for (const entry of json) {
    if (!isRecord(entry) || typeof entry.path !== 'string' || !isRecord(entry.lfs)) continue;
    const { oid, size } = entry.lfs;
    if (typeof oid === 'string' && /^[0-9a-f]{64}$/.test(oid) && typeof size === 'number' && Number.isSafeInteger(size) && size > 0) {
      out.set(entry.path.split('/').pop() ?? entry.path, { sha256: oid, size });
    }
  }
  return out;
}

/** SHA-256 of bytes as lowercase hex (Web Crypto: in pages, workers and Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The downloaded, checked files of a Hub dataset. */
export interface HubDownload {
  files: { name: string; bytes: ArrayBuffer }[];
  /** How the files were checked, for the user: "SHA-256 checked" or why they could not be. */
  check: string;
}

export interface HubDownloadOptions extends Pick<DownloadOptions, 'fetch' | 'signal' | 'now' | 'progressIntervalMs'> {
  /** Progress over all the files together (loaded and total summed). */
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Downloads every file of a Hub dataset and checks each against the SHA-256 the Hub publishes.
 * Without a usable listing the files are still downloaded (the Parquet reader checks their
 * structure) and `check` says they could not be verified.
 * @throws DownloadError: as downloadBytes (never resumed: see the header), or 'wrong-kind' for a
 *   file whose SHA-256 or size differs from the published one
 */
export async function downloadHubDataset(location: HubLocation, options: HubDownloadOptions = {}): Promise<HubDownload> {
  let published: Map<string, PublishedFile> | null = null;
  let listingProblem = '';
  try {
    published = await fetchPublishedFiles(location, options.fetch, options.signal);
  } catch (err) {
    if (options.signal?.aborted) throw new DownloadError('aborted', `Download of ${location.dataset.name} cancelled.`);
    listingProblem = errorMessage(err);
  }
  const sizes = location.dataset.files.map((f) => published?.get(f)?.size ?? null);
  const total = sizes.every((s) => s !== null) ? sizes.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
  const files: HubDownload['files'] = [];
  let before = 0;
  for (const file of location.dataset.files) {
    const bytes = await downloadBytes(hubFileUrl(location, file), {
      ...options,
      ranges: false,
      onProgress: (p) => {
        const loaded = before + p.loaded;
        const eta = total !== null && p.bytesPerSecond > 0 ? Math.max(0, total - loaded) / p.bytesPerSecond : null;
        options.onProgress?.({ ...p, loaded, total: total ?? p.total, etaSeconds: total !== null ? eta : p.etaSeconds });
      },
    });
    const expected = published?.get(file);
    if (expected) {
      const actual = await sha256Hex(bytes);
      if (actual !== expected.sha256 || bytes.length !== expected.size) {
        throw new DownloadError(
          'wrong-kind',
          `${file} from ${location.origin} does not match what the Hub publishes for it (SHA-256 ${actual.slice(0, 12)}…, ${formatBytes(bytes.length)}; expected ${expected.sha256.slice(0, 12)}…, ${formatBytes(expected.size)}): the download was damaged or the file changed. Try again.`,
        );
      }
    }
    before += bytes.length;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    files.push({ name: file, bytes: whole });
  }
  const check = published && location.dataset.files.every((f) => published?.has(f))
    ? 'SHA-256 of each file checked against the Hub'
    : `not checked against a published SHA-256 (${listingProblem || 'the Hub lists no hash for these files'})`;
  return { files, check };
}
