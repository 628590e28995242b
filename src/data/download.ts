/**
 * Downloading a dataset archive, in the page and in Node (`npm run data`, src/node/fetchArchive.ts)
 * alike, without the DOM (fetch, ReadableStream and AbortSignal exist in pages, workers and Node): the body is streamed into one buffer with
 * progress (bytes, rate, ETA), a cut connection is resumed with an HTTP Range request where the
 * server supports ranges (RFC 9110 §14: 206 Partial Content, guarded by If-Range), a cancel is
 * an AbortSignal, and every failure becomes a DownloadError whose message says what happened
 * and what the user can do instead. Storing the result is datasetStore.ts's job.
 */
import { formatBytes } from './format';
import { alternatives, DownloadError, fileNameOf, httpError, networkError, NO_RESUME, type PartialDownload } from './downloadErrors';

export { alternatives, DownloadError, fileNameOf, type DownloadErrorKind, type PartialDownload } from './downloadErrors';

/** Progress of one download, reported at most every `progressIntervalMs`. */
export interface DownloadProgress {
  url: string;
  /** Bytes received so far, a resumed part included. */
  loaded: number;
  /** Expected size, from Content-Length or Content-Range; null when the server does not say. */
  total: number | null;
  /** Recent rate over the last few seconds, bytes per second (0 until measurable). */
  bytesPerSecond: number;
  /** Seconds left at the recent rate; null when the total or the rate is unknown. */
  etaSeconds: number | null;
  /** True once part of the body came from a Range request (a resumed download). */
  resumed: boolean;
}

export interface DownloadOptions {
  /** The fetch to use (tests pass one that throws, or counts requests). */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Minimum milliseconds between progress reports (the first and the last are always sent). */
  progressIntervalMs?: number;
  /** Automatic resumes after the connection is cut mid-body (default 3). */
  retries?: number;
  /** Wait before the n-th resume: n × this many milliseconds (default 1000). */
  retryDelayMs?: number;
  /** Continue a download that failed or was cancelled earlier. */
  resumeFrom?: PartialDownload | null;
  /**
   * False for a server that refuses Range requests from a page (the Hugging Face Hub's storage
   * fails their CORS preflight): a cut download is not resumed, and Try again starts over.
   */
  ranges?: boolean;
  /** Refuse bodies larger than this (default 1 GiB, several times any CIFAR archive). */
  maxBytes?: number;
  /** Clock in milliseconds (tests pass a fake). */
  now?: () => number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
/** The rate is measured over about this many milliseconds of recent samples. */
const RATE_WINDOW_MS = 5000;


/**
 * Downloads `url` into memory and returns its bytes (a view of exactly the body's length).
 * @throws DownloadError: 'network' (no answer: offline, or no CORS headers on another site),
 *   'http' (404 and other statuses), 'truncated' (fewer bytes than announced after the retries),
 *   'too-large', 'aborted' (the signal fired); the last three carry what had arrived.
 */
export async function downloadBytes(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? (() => performance.now());
  const retries = options.retries ?? 3;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const interval = options.progressIntervalMs ?? 200;
  const { signal } = options;
  const name = fileNameOf(url);
  const ranges = options.ranges ?? true;
  const resume = ranges && options.resumeFrom && options.resumeFrom.url === url ? options.resumeFrom : null;

  let buffer = resume ? resume.bytes.slice() : new Uint8Array(0);
  let loaded = buffer.length;
  let total = resume?.total ?? null;
  let validator = resume?.validator ?? null;
  let resumed = false;
  let attempt = 0;
  const samples: [number, number][] = []; // (time ms, loaded) for the recent rate
  let lastReport = -Infinity;

  const partial = (): PartialDownload | null => (ranges && loaded > 0 ? { url, bytes: buffer.subarray(0, loaded), total, validator } : null);
  const aborted = () =>
    new DownloadError('aborted', `Download of ${name} cancelled${loaded > 0 ? ` after ${formatBytes(loaded)}` : ''}.${loaded > 0 && !ranges ? ` ${NO_RESUME}` : ''}`, partial());
  const report = (force: boolean) => {
    const t = now();
    samples.push([t, loaded]);
    while (samples.length > 2 && t - samples[1][0] >= RATE_WINDOW_MS) samples.shift();
    if (!options.onProgress || (!force && t - lastReport < interval)) return;
    lastReport = t;
    const [t0, l0] = samples[0];
    const rate = t > t0 ? ((loaded - l0) * 1000) / (t - t0) : 0;
    const eta = total !== null && rate > 0 ? Math.max(0, total - loaded) / rate : null;
    options.onProgress({ url, loaded, total, bytesPerSecond: rate, etaSeconds: eta, resumed });
  };
  const ensureCapacity = (needed: number) => {
    if (needed > maxBytes) {
      throw new DownloadError('too-large', `${name} is larger than ${formatBytes(maxBytes)}, more than any dataset this app reads; stopped. Check the address.`);
    }
    if (needed <= buffer.length) return;
    const grown = new Uint8Array(Math.min(maxBytes, Math.max(needed, buffer.length * 2, total ?? 0)));
    grown.set(buffer.subarray(0, loaded));
    buffer = grown;
  };

  if (signal?.aborted) throw aborted();
  report(true);
  for (;;) {
    const headers: Record<string, string> = {};
    if (loaded > 0 && ranges) {
      headers.Range = `bytes=${loaded}-`;
      if (validator) headers['If-Range'] = validator;
    }
    let response: Response;
    try {
      response = await fetchImpl(url, { signal, headers, cache: 'no-store' });
    } catch (err) {
      if (signal?.aborted) throw aborted();
      if (ranges && attempt < retries && loaded > 0) {
        attempt++;
        await sleep((options.retryDelayMs ?? 1000) * attempt, signal).catch(() => undefined);
        if (signal?.aborted) throw aborted();
        continue;
      }
      throw networkError(url, name, err, partial(), loaded);
    }
    if (loaded > 0 && response.status === 206) {
      const range = resumedRange(response, loaded, total);
      if (!range) {
        await response.body?.cancel().catch(() => undefined);
        loaded = 0; // a range we did not ask for: start over
        continue;
      }
      resumed = true;
      if (range.total !== null) total = range.total;
    } else if (loaded > 0 && response.status === 416 && total !== null && loaded >= total) {
      await response.body?.cancel().catch(() => undefined);
      break; // everything had arrived already
    } else if (response.ok) {
      loaded = 0; // 200: a full body (the server ignores ranges, or the file changed)
      total = announcedLength(response);
      validator = strongValidator(response);
    } else {
      await response.body?.cancel().catch(() => undefined);
      throw httpError(url, name, response.status, response.statusText);
    }
    if (total !== null) {
      try {
        ensureCapacity(total);
      } catch (err) {
        await response.body?.cancel().catch(() => undefined);
        throw err;
      }
    }

    let cut: unknown = null;
    const reader = response.body?.getReader();
    if (reader) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          ensureCapacity(loaded + value.length);
          buffer.set(value, loaded);
          loaded += value.length;
          if (total !== null && loaded > total) total = null; // Content-Length counted a compressed body
          report(false);
        }
      } catch (err) {
        if (signal?.aborted) throw aborted();
        if (err instanceof DownloadError) {
          await reader.cancel().catch(() => undefined);
          throw err;
        }
        cut = err;
      }
    }
    if (cut === null && (total === null || loaded >= total)) break;
    // Cut short (an error mid-body, or fewer bytes than announced): resume from here.
    if (ranges && attempt < retries && loaded > 0) {
      attempt++;
      await sleep((options.retryDelayMs ?? 1000) * attempt, signal).catch(() => undefined);
      if (signal?.aborted) throw aborted();
      continue;
    }
    if (total !== null) {
      throw new DownloadError(
        'truncated',
        `The download of ${name} stopped at ${formatBytes(loaded)} of ${formatBytes(total)}: the connection was cut and the server did not send the rest${attempt > 0 ? ` after ${attempt} resume attempt${attempt > 1 ? 's' : ''}` : ''}. ${ranges ? 'Try again to continue where it stopped.' : NO_RESUME} ${alternatives(name)}`,
        partial(),
      );
    }
    throw networkError(url, name, cut, partial(), loaded);
  }
  report(true);
  return buffer.length === loaded ? buffer : buffer.subarray(0, loaded);
}

/** Content-Length when it is the body's length (not of a compressed encoding), else null. */
function announcedLength(response: Response): number | null {
  const encoding = response.headers.get('Content-Encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return null;
  const value = response.headers.get('Content-Length');
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

/** If-Range needs a strong validator: a strong ETag, else Last-Modified (weak ETags never match). */
function strongValidator(response: Response): string | null {
  const etag = response.headers.get('ETag');
  if (etag && !etag.startsWith('W/')) return etag;
  return response.headers.get('Last-Modified');
}

/**
 * Where a 206 answer to `Range: bytes=<loaded>-` continues, or null when it is not the part
 * asked for. Cross-origin, Content-Range is hidden unless the server exposes it
 * (Access-Control-Expose-Headers); then the part is accepted when its Content-Length (always
 * readable) makes up the known total exactly, as an open-ended single range must.
 */
function resumedRange(response: Response, loaded: number, total: number | null): { start: number; total: number | null } | null {
  const header = response.headers.get('Content-Range');
  if (header !== null) {
    const range = parseContentRange(header);
    return range && range.start === loaded ? range : null;
  }
  const length = announcedLength(response);
  if (length === null) return total === null ? { start: loaded, total: null } : null;
  return total === null || loaded + length === total ? { start: loaded, total: loaded + length } : null;
}

/** "bytes 100-199/1000" → start 100, total 1000 ("*" total → null). */
function parseContentRange(value: string | null): { start: number; total: number | null } | null {
  const match = value ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim()) : null;
  if (!match) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}


/** Resolves after `ms`, or rejects at once when the signal fires. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
