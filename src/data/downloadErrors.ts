/**
 * How a dataset download fails, in words the user can act on: the DownloadError kinds, what had
 * arrived (to resume), and the messages for a network failure (no CORS headers, offline) and an
 * HTTP error, each ending with the other ways to get the file. Used by download.ts in the page
 * and in Node.
 */
import { formatBytes } from './format';

/** What a failed or cancelled download had received, to resume from later. */
export interface PartialDownload {
  url: string;
  bytes: Uint8Array;
  total: number | null;
  /** A strong ETag or Last-Modified, sent as If-Range so a changed file restarts from zero. */
  validator: string | null;
}

export type DownloadErrorKind = 'network' | 'http' | 'truncated' | 'wrong-kind' | 'too-large' | 'aborted';

/** A download that did not produce a usable file; `message` is for the user. */
export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    /** What had arrived, when any did (resume it with DownloadOptions.resumeFrom). */
    readonly partial: PartialDownload | null = null,
    /** The HTTP status, for kind 'http'. */
    readonly status: number | null = null,
    /** The HTTP status text, for kind 'http'. */
    readonly statusText = '',
    /** What fetch or the body stream threw, for kind 'network'. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DownloadError';
  }
}

/** The last path segment of a URL, decoded ('download' when there is none). */
export function fileNameOf(url: string): string {
  let path = url;
  try {
    path = new URL(url, 'http://localhost/').pathname;
  } catch {
    // not a URL: use it as a path
  }
  const last = path.split('/').filter((s) => s !== '').pop() ?? '';
  try {
    return decodeURIComponent(last) || 'download';
  } catch {
    return last || 'download';
  }
}

/** The other ways to get the file, for the end of every error message. */
export function alternatives(name: string): string {
  const id = /cifar-100/i.test(name) ? 'cifar100' : /cifar-10/i.test(name) ? 'cifar10' : null;
  const script = id ? `, or run \`npm run data -- ${id}\` in the project folder and reload` : '';
  return `Download the file with your browser and drop it on the page${script}.`;
}

/** Said when a download that cannot be resumed stops part-way. */
export const NO_RESUME = 'Its server does not let a page continue a download, so Try again downloads it from the start.';

export function networkError(url: string, name: string, err: unknown, partial: PartialDownload | null, loaded: number): DownloadError {
  const detail = err instanceof Error && err.message ? ` (${err.message})` : '';
  if (loaded > 0) {
    return new DownloadError(
      'network',
      `The download of ${name} broke off after ${formatBytes(loaded)}${detail}. ${partial ? 'Try again to continue where it stopped.' : NO_RESUME} ${alternatives(name)}`,
      partial,
      null,
      '',
      err,
    );
  }
  let host = url;
  try {
    host = new URL(url).host || url;
  } catch {
    // keep the URL as given
  }
  return new DownloadError(
    'network',
    `Could not download ${name} from ${host}${detail}: the server does not allow downloads from other sites (it sends no CORS headers), or the network is unreachable. ${alternatives(name)}`,
    null,
    null,
    '',
    err,
  );
}

export function httpError(url: string, name: string, status: number, statusText: string): DownloadError {
  const what = status === 404 || status === 410 ? 'the file is not there; check the address' : status >= 500 ? 'the server failed; try again later' : 'the server refused the request';
  return new DownloadError('http', `The server answered ${status}${statusText ? ` ${statusText}` : ''} for ${url}: ${what}. ${alternatives(name)}`, null, status, statusText);
}
