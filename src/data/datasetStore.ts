/**
 * Downloaded dataset archives kept in the browser (Cache Storage), so the next visit loads them
 * without the network: look up, download on a miss (download.ts), check that the bytes are an
 * archive (gzip or tar) before storing, list what is stored with its size, remove. DOM-free:
 * `caches` exists in pages and workers; Node tests pass their own ByteCache.
 */
import { isGzip, isTar } from '../engine/data/archive';
import { alternatives, downloadBytes, DownloadError, fileNameOf, type DownloadOptions } from './download';
import { formatBytes } from './format';
import { errorMessage } from '../engine/errorMessage';

/** The part of the Cache Storage API we use (a `Cache` from `caches.open` is one). */
export interface ByteCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
  keys(): Promise<readonly { url: string }[]>;
}

/** Bump to drop everything stored by an older layout. */
export const CACHE_NAME = 'trick-lab-datasets-v1';
export const SIZE_HEADER = 'X-Trick-Lab-Bytes';
export const STORED_AT_HEADER = 'X-Trick-Lab-Stored-At';
/** The name to list an entry under, when its URL's last segment is not one (decodedStore.ts). */
export const NAME_HEADER = 'X-Trick-Lab-Name';

/** The browser's dataset cache, or null where Cache Storage is missing (an insecure origin). */
export async function openBrowserCache(): Promise<ByteCache | null> {
  if (typeof caches === 'undefined') return null;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. storage disabled in a private window
  }
}

/** One stored archive. */
export interface StoredArchive {
  url: string;
  name: string;
  bytes: number;
  /** ISO time it was stored. */
  storedAt: string;
}

/** Every stored archive, largest first. */
export async function listStored(cache: ByteCache): Promise<StoredArchive[]> {
  const out: StoredArchive[] = [];
  for (const key of await cache.keys()) {
    const response = await cache.match(key.url);
    if (!response) continue;
    out.push({
      url: key.url,
      name: response.headers.get(NAME_HEADER) ?? fileNameOf(key.url),
      bytes: Number(response.headers.get(SIZE_HEADER) ?? 0),
      storedAt: response.headers.get(STORED_AT_HEADER) ?? '',
    });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

/** Removes one stored archive; true when there was one. */
export function removeStored(cache: ByteCache, url: string): Promise<boolean> {
  return cache.delete(url);
}

/**
 * Refuses bytes that are neither gzip nor tar (an HTML error page, a JSON listing, a wrong
 * link); the dataset parser gives the detailed verdict on what is inside.
 * @throws DownloadError of kind 'wrong-kind'
 */
export function checkArchive(bytes: Uint8Array, url: string): void {
  if (isGzip(bytes) || isTar(bytes)) return;
  const name = fileNameOf(url);
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  const page = head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<');
  const what = bytes.length === 0 ? 'is empty' : page ? 'is a web page, not an archive (the address may lead to a page about the dataset rather than the file)' : 'is neither a gzip nor a tar archive';
  throw new DownloadError(
    'wrong-kind',
    `What ${url} sent (${formatBytes(bytes.length)}) ${what}. CIFAR's binary versions are cifar-10-binary.tar.gz and cifar-100-binary.tar.gz. ${alternatives(name)}`,
  );
}

/** An archive ready to hand to the dataset parser. */
export interface LoadedArchive {
  url: string;
  name: string;
  /** Exactly the file's bytes (a whole ArrayBuffer, so it can be transferred to a worker). */
  bytes: ArrayBuffer;
  fromCache: boolean;
  /** Why it could not be stored (quota, no Cache Storage); null when stored or read from the store. */
  storeProblem: string | null;
}

export interface LoadArchiveOptions extends DownloadOptions {
  /** Where archives are kept; null = download every time. */
  cache: ByteCache | null;
}

/**
 * The archive at `url`: from the cache when stored there (no request), else downloaded, checked
 * to be gzip or tar, and stored. A stored entry that is no longer an archive is dropped and
 * downloaded again.
 * @throws DownloadError (see downloadBytes and checkArchive)
 */
export async function loadArchive(url: string, options: LoadArchiveOptions): Promise<LoadedArchive> {
  const { cache } = options;
  const name = fileNameOf(url);
  const hit = cache ? await cache.match(url) : undefined;
  if (hit && cache) {
    const bytes = await hit.arrayBuffer();
    try {
      checkArchive(new Uint8Array(bytes), url);
      return { url, name, bytes, fromCache: true, storeProblem: null };
    } catch {
      await cache.delete(url);
    }
  }
  const view = await downloadBytes(url, options);
  checkArchive(view, url);
  const bytes = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? (view.buffer as ArrayBuffer) : view.slice().buffer;
  let storeProblem: string | null = cache ? null : 'this browser offers no Cache Storage here, so the file will be downloaded again next time';
  if (cache) {
    try {
      const headers = { 'Content-Type': 'application/octet-stream', [SIZE_HEADER]: String(bytes.byteLength), [STORED_AT_HEADER]: new Date().toISOString() };
      await cache.put(url, new Response(bytes, { headers }));
    } catch (err) {
      storeProblem = `it could not be stored in the browser (${errorMessage(err)}), so it will be downloaded again next time`;
    }
  }
  return { url, name, bytes, fromCache: false, storeProblem };
}
