/**
 * Node only, for `npm run data`: downloads an official CIFAR archive into a folder (the app's
 * public/datasets/) with the page's downloader (src/data/download.ts), resuming a `.part` file
 * left by an interrupted or cancelled run (HTTP Range, guarded by If-Range), checking the MD5 sum published on the CIFAR page
 * (https://www.cs.toronto.edu/~kriz/cifar.html) before the file takes its real name, and
 * recording it in index.json beside it, which the app reads at start-up.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isGzip } from '../engine/data/archive';
import { parseDatasetIndex, withEntry, type DatasetIndex, type IndexEntry, type OfficialArchive } from '../data/datasetIndex';
import { downloadBytes, DownloadError, type PartialDownload } from '../data/download';
import { formatBytes } from '../data/format';

export interface ArchiveProgress {
  loaded: number;
  total: number | null;
  /** Mean rate since this run's request started, bytes per second. */
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface FetchArchiveOptions {
  archive: OfficialArchive;
  /** Folder to write into (created when missing); index.json is kept there too. */
  outDir: string;
  /** Full URL to download instead of the official one (a mirror, a local test server). */
  url?: string;
  /** Base URL instead of the official folder: the file is fetched from `${base}/${archive.file}`. */
  base?: string;
  /** Expected MD5 instead of the published one (for a mirror that serves another file). */
  md5?: string;
  /** Download again even when a file with the right MD5 is there. */
  force?: boolean;
  log?: (line: string) => void;
  onProgress?: (progress: ArchiveProgress) => void;
  fetch?: typeof fetch;
  now?: () => number;
  /** Stops the download; what arrived is kept in the .part file to resume. */
  signal?: AbortSignal;
  /** Wait before the n-th automatic resume of a cut connection: n × this (default 1000 ms). */
  retryDelayMs?: number;
}

/** A failure the user can act on; the CLI prints the message alone. */
export class FetchArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchArchiveError';
  }
}

const MANUAL = 'https://www.cs.toronto.edu/~kriz/cifar.html';

/** The URL an archive is fetched from under these options. */
export function archiveUrl(options: Pick<FetchArchiveOptions, 'archive' | 'url' | 'base'>): string {
  if (options.url) return options.url;
  if (options.base) return `${options.base.replace(/\/+$/, '')}/${options.archive.file}`;
  return options.archive.url;
}

/**
 * Makes sure `outDir/<archive.file>` is the archive with the expected MD5 (downloading or
 * resuming as needed) and lists it in `outDir/index.json`.
 * @returns the index entry written
 * @throws FetchArchiveError for an HTTP error, an unreachable server, a cut download (the
 *   .part is kept to resume), a wrong MD5 (the file is removed), a file that is not gzip
 */
export async function fetchArchive(options: FetchArchiveOptions): Promise<IndexEntry> {
  const { archive, outDir } = options;
  const log = options.log ?? (() => undefined);
  const expected = (options.md5 ?? archive.md5).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(expected)) throw new FetchArchiveError(`--md5 must be 32 hex digits, got '${options.md5}'`);
  const url = archiveUrl(options);
  const final = join(outDir, archive.file);
  const part = `${final}.part`;
  await mkdir(outDir, { recursive: true });

  if (!options.force && (await sizeOf(final)) !== null) {
    const md5 = await md5OfFile(final);
    if (md5 === expected) {
      log(`${archive.file} is already in ${outDir} (MD5 ${md5} matches); not downloading it again.`);
      return recordInIndex(outDir, archive, url, md5, (await sizeOf(final)) as number);
    }
    log(`${archive.file} in ${outDir} has MD5 ${md5}, not ${expected}; downloading it again.`);
  }

  const bytes = await download(url, part, options);
  const md5 = await md5OfFile(part);
  if (md5 !== expected) {
    await rm(part, { force: true });
    throw new FetchArchiveError(
      `MD5 mismatch for ${archive.file}: expected ${expected}${options.md5 ? '' : ' (published on the CIFAR page)'}, got ${md5}. The file was removed. The download was damaged, or ${url} serves a different file; run the command again, or download it from ${MANUAL}.`,
    );
  }
  const head = await readHead(part, 2);
  if (!isGzip(head)) {
    await rm(part, { force: true });
    throw new FetchArchiveError(`${url} did not send a gzip file; the file was removed. Check the address.`);
  }
  await rename(part, final);
  log(`${archive.file}: ${formatBytes(bytes)}, MD5 ${md5} OK, saved to ${final}`);
  return recordInIndex(outDir, archive, url, md5, bytes);
}

/**
 * Downloads `url` with the page's downloader (downloadBytes: Range + If-Range, automatic resumes
 * of a cut connection), continuing from `part` when an earlier run left one; whatever arrived
 * before a failure or a cancel is written back to `part`, with the validator and size beside it
 * in `part.json`, so the next run resumes there. Returns the file's size.
 */
async function download(url: string, part: string, options: FetchArchiveOptions): Promise<number> {
  const resumeFrom = await readPart(part, url);
  if (resumeFrom) options.log?.(`resuming ${options.archive.file} at ${formatBytes(resumeFrom.bytes.length)}`);
  let bytes: Uint8Array;
  try {
    bytes = await downloadBytes(url, {
      fetch: options.fetch,
      now: options.now,
      signal: options.signal,
      resumeFrom,
      retryDelayMs: options.retryDelayMs,
      progressIntervalMs: 250,
      onProgress: options.onProgress && ((p) => options.onProgress?.({ loaded: p.loaded, total: p.total, bytesPerSecond: p.bytesPerSecond, etaSeconds: p.etaSeconds })),
    });
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    if (err.partial) await writePart(part, err.partial);
    throw new FetchArchiveError(commandMessage(err, url, options));
  }
  await writeFile(part, bytes);
  await rm(`${part}.json`, { force: true });
  return bytes.length;
}

/** The downloader's failure in the command's words (what to run, which option to check). */
function commandMessage(err: DownloadError, url: string, options: FetchArchiveOptions): string {
  const again = 'Run the command again to resume from there.';
  if (err.partial) return `The download stopped at ${formatBytes(err.partial.bytes.length)}${err.partial.total ? ` of ${formatBytes(err.partial.total)}` : ''} (${err.kind === 'aborted' ? 'cancelled' : 'the connection was cut'}). ${again}`;
  if (err.kind === 'http') return `The server answered ${err.status} ${err.statusText} for ${url}.${err.status === 404 ? ' Check the address (--url/--base).' : ''}`;
  if (err.kind === 'network') {
    const cause = err.cause instanceof Error ? err.cause : null;
    const reason = cause?.cause instanceof Error ? cause.cause.message : cause ? cause.message : err.message;
    return `Could not reach ${hostOf(url)} (${reason}). Check the network, or download ${options.archive.file} from ${MANUAL} yourself, put it in ${options.outDir} and run this command again (it checks and lists a file already there).`;
  }
  return err.message;
}

/** What an earlier run left in `part` (and `part.json`), when it was a download of `url`. */
async function readPart(part: string, url: string): Promise<PartialDownload | null> {
  const bytes = await readFile(part).catch(() => null);
  if (!bytes || bytes.length === 0) return null;
  type PartMeta = { url?: unknown; total?: unknown; validator?: unknown };
  const meta = await readFile(`${part}.json`, 'utf8')
    .then((text) => JSON.parse(text) as PartMeta)
    .catch((): PartMeta => ({}));
  return {
    url,
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    total: meta.url === url && typeof meta.total === 'number' ? meta.total : null,
    // Without a validator of this URL the server sends the rest unconditionally (no If-Range).
    validator: meta.url === url && typeof meta.validator === 'string' ? meta.validator : null,
  };
}

async function writePart(part: string, partial: PartialDownload): Promise<void> {
  await writeFile(part, partial.bytes);
  await writeFile(`${part}.json`, JSON.stringify({ url: partial.url, total: partial.total, validator: partial.validator }) + '\n');
}

async function recordInIndex(outDir: string, archive: OfficialArchive, url: string, md5: string, bytes: number): Promise<IndexEntry> {
  const path = join(outDir, 'index.json');
  let index: DatasetIndex = { version: 1, datasets: [] };
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text !== null) {
    try {
      index = parseDatasetIndex(JSON.parse(text));
    } catch {
      // An index we cannot read is rewritten from what is on disk now.
    }
  }
  const entry: IndexEntry = { id: archive.id, name: archive.name, file: archive.file, bytes, md5, source: url, downloadedAt: new Date().toISOString() };
  const next = withEntry(index, entry);
  // Entries whose file has gone are dropped, so the app never offers a missing file.
  const present = await Promise.all(next.datasets.map(async (e) => ((await sizeOf(join(outDir, e.file))) !== null ? e : null)));
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: 1, datasets: present.filter((e) => e !== null) }, null, 2) + '\n');
  await rename(tmp, path);
  return entry;
}

/** MD5 of a file, streamed. */
export async function md5OfFile(path: string): Promise<string> {
  const hash: Hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(n);
    await file.read(buffer, 0, n, 0);
    return buffer;
  } finally {
    await file.close();
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
