/**
 * Unpacking what users hand us for CIFAR-10/100: gzip (fflate's streaming Gunzip) and tar (a small
 * reader below), with bounds that hold against hostile input. The gzip stream is fed in chunks
 * and the output is counted as it arrives, so a gzip bomb stops at the cap instead of filling
 * memory; each member's size and CRC-32 are checked against its trailer, so a damaged download
 * is refused rather than read as wrong pixels; tar entries are matched by base name only and
 * never used as paths.
 */
import { Gunzip } from 'fflate';
import { crc32 } from './crc32';
import { DatasetError } from './types';
import { errorMessage } from '../errorMessage';

/** Default cap on decompressed bytes: the full CIFAR-10 and CIFAR-100 tars are about 185 MB. */
export const MAX_DECOMPRESSED_BYTES = 400 * 1024 * 1024;

/**
 * Compressed bytes fed to the inflater per push: bounds one push's output to about 16 MB
 * (deflate ≤ 1032:1). Larger pushes make a bomb slow to refuse (64 KB pushes took 4× the CPU
 * time: fflate grows its output buffer per push), and smaller ones slow real archives down.
 */
const GUNZIP_CHUNK_BYTES = 16 * 1024;

/** True when the bytes start with the gzip signature (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The little-endian 32-bit word at `at`. */
function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/**
 * Decompresses gzip (single or multi-member) into one exactly-sized buffer, checking each
 * member's size and CRC-32 against its trailer.
 * @param name file name, used only in error messages
 * @param maxBytes stop with a DatasetError once the output would exceed this many bytes
 * @param unpackedBefore bytes other files already unpacked: they count against `maxBytes`
 */
export function gunzipBounded(bytes: Uint8Array, name: string, maxBytes = MAX_DECOMPRESSED_BYTES, unpackedBefore = 0): Uint8Array {
  if (!isGzip(bytes)) throw new DatasetError(`${name} is not a gzip file (it does not start with the gzip signature).`);
  const truncated = () => new DatasetError(`${name} ends in the middle of its compressed data: it looks truncated (an interrupted download?).`);
  const limit = maxBytes - unpackedBefore;
  // The trailer's last 4 bytes hold the size mod 2^32: a hint for one allocation, never
  // trusted beyond what deflate can produce from this many bytes (at most 1032:1).
  const n = bytes.length;
  const hint = n >= 18 ? u32(bytes, n - 4) : 0;
  let out = new Uint8Array(Math.max(0, Math.min(Math.max(hint, 64 * 1024), n * 1032, limit)));
  let length = 0;
  const gunzip = new Gunzip((chunk) => {
    if (length + chunk.length > limit) {
      const before = unpackedBefore > 0 ? `; with the files before it that is more than ${formatMB(maxBytes)}` : '';
      throw new DatasetError(
        `${name} unpacks to more than ${formatMB(limit)}${before}, more than any CIFAR-10/100 download; refusing to unpack it further.`,
      );
    }
    if (length + chunk.length > out.length) {
      const grown = new Uint8Array(Math.min(Math.max(out.length * 2, length + chunk.length), limit));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    out.set(chunk, length);
    length += chunk.length;
  });
  // Each member's output range and where its 8-byte trailer (CRC-32, size) ends in the input.
  const members: { start: number; end: number; trailerEnd: number }[] = [];
  let memberStart = 0;
  gunzip.onmember = (offset) => {
    members.push({ start: memberStart, end: length, trailerEnd: offset });
    memberStart = length;
  };
  try {
    for (let offset = 0; offset < n; offset += GUNZIP_CHUNK_BYTES) {
      const end = Math.min(offset + GUNZIP_CHUNK_BYTES, n);
      gunzip.push(bytes.subarray(offset, end), end === n);
    }
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    const detail = errorMessage(e);
    if (/unexpected EOF/i.test(detail)) throw truncated();
    throw new DatasetError(`${name} is not a valid gzip file (${detail}); it may be damaged.`);
  }
  members.push({ start: memberStart, end: length, trailerEnd: n });
  // fflate does not always notice a stream cut short, and checks no trailer: a cut-off file
  // ends in compressed bytes, not the size; a damaged one unpacks to bytes that fail the CRC.
  for (const m of members) {
    if (n < 18 || m.trailerEnd < 18 || u32(bytes, m.trailerEnd - 4) !== (m.end - m.start) >>> 0) throw truncated();
    if (u32(bytes, m.trailerEnd - 8) !== crc32(out.subarray(m.start, m.end))) {
      throw new DatasetError(`${name} is damaged: what it unpacks to does not match its checksum (a corrupted download?).`);
    }
  }
  return length === out.length ? out : out.slice(0, length);
}

/** True when the first 512-byte block is a tar header: its checksum field matches its bytes. */
export function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  const field = new TextDecoder().decode(bytes.subarray(148, 156)).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : bytes[i];
  return sum === parseInt(field, 8);
}

/** A tar entry we asked for: its base name (one of `wanted`) and a view of its bytes. */
export interface TarMember {
  baseName: string;
  bytes: Uint8Array;
}

/** Longest GNU long-name or pax header we read, in bytes (real ones are a few hundred). */
const MAX_TAR_META_BYTES = 64 * 1024;

/**
 * Reads the regular files of a tar archive (ustar, GNU long names, pax `path`) whose base name
 * passes `wanted`. Entries with an absolute path or a `..` segment are skipped, as are links,
 * devices and every other name. The returned bytes are views into `bytes`, not copies.
 *
 * Hand-written rather than nanotar's parseTar: nanotar silently rewrites `../x` to `x` (so an
 * escaping name cannot be told apart), checks no header checksum (random bytes parse as
 * entries) and reads a Uint8Array's whole underlying buffer regardless of its offset.
 * @param name archive name, used only in error messages
 */
export function readTarMembers(bytes: Uint8Array, name: string, wanted: (baseName: string) => boolean): TarMember[] {
  if (!isTar(bytes)) throw new DatasetError(`${name} is not a tar archive.`);
  const members: TarMember[] = [];
  let longName: string | null = null;
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!isTar(header)) throw new DatasetError(`${name} is a damaged tar archive (bad header at byte ${offset}).`);
    const size = parseOctal(header.subarray(124, 136));
    if (size === null) throw new DatasetError(`${name} is a damaged tar archive (bad size field at byte ${offset + 124}).`);
    const dataStart = offset + 512;
    if (dataStart + size > bytes.length) {
      throw new DatasetError(`${name} ends in the middle of a file: the tar archive looks truncated.`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
    const type = String.fromCharCode(header[156]);
    if (type === 'L' || type === 'x') {
      if (size > MAX_TAR_META_BYTES) throw new DatasetError(`${name} has an oversized tar header; it is not a CIFAR archive.`);
      longName = type === 'L' ? cString(data) : paxPath(data);
      continue;
    }
    if (type === 'g') continue;
    const path = longName ?? ustarPath(header);
    longName = null;
    if ((type === '0' || type === '\0' || type === '7') && isSafePath(path) && wanted(baseNameOf(path))) {
      members.push({ baseName: baseNameOf(path), bytes: data });
    }
  }
  return members;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** Size fields are octal ASCII, NUL- or space-terminated; null when malformed (or base-256, > 8 GB). */
function parseOctal(field: Uint8Array): number | null {
  const text = cString(field).trim();
  return /^[0-7]{1,12}$/.test(text) ? parseInt(text, 8) : null;
}

function ustarPath(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = cString(header.subarray(257, 263)).startsWith('ustar');
  const prefix = isUstar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" lines), or null. */
function paxPath(data: Uint8Array): string | null {
  for (const line of new TextDecoder().decode(data).split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return null;
}

function isSafePath(path: string): boolean {
  return !/^([\\/]|[a-zA-Z]:)/.test(path) && !path.split(/[\\/]/).includes('..');
}

/** The last segment of a path, for matching only. */
export function baseNameOf(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts.length === 0 ? '' : parts[parts.length - 1];
}

/** "400 MB", "1.5 MB", "0.33 MB": two significant figures below 10 MB (what is left of a cap can be small). */
function formatMB(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Number(mb.toPrecision(2))} MB`;
}
