/**
 * Gzip bombs built at test time (Node only, test-only), small in memory and never on disk: a
 * deflate stream of zeros compresses about 1,000:1, so a gigabyte fits in a megabyte. The stream
 * is one deflate segment of 1 MiB of zeros, ended with a full flush (byte-aligned, no history
 * needed) and repeated, so building a 1 GiB bomb costs one 1 MiB compression, not a gigabyte.
 */
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { concat } from './mutate';

const MiB = 1024 * 1024;
const GZIP_HEADER = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

function flushed(bytes: Uint8Array): Uint8Array {
  return deflateRawSync(bytes, { finishFlush: constants.Z_FULL_FLUSH });
}

/**
 * A valid single-member gzip of `prefix` followed by `zeros` zero bytes, with the correct
 * CRC-32 and size in its trailer.
 */
export function gzipBomb(zeros: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  const parts: Uint8Array[] = [GZIP_HEADER];
  let crc = 0;
  if (prefix.length > 0) {
    parts.push(flushed(prefix));
    crc = crc32(prefix, crc);
  }
  const block = new Uint8Array(MiB);
  const segment = flushed(block);
  for (let left = zeros; left > 0; left -= MiB) {
    const n = Math.min(MiB, left);
    parts.push(n === MiB ? segment : flushed(block.subarray(0, n)));
    crc = crc32(block.subarray(0, n), crc);
  }
  parts.push(deflateRawSync(new Uint8Array(0))); // the final, empty block
  const trailer = new DataView(new ArrayBuffer(8));
  trailer.setUint32(0, crc >>> 0, true);
  trailer.setUint32(4, (prefix.length + zeros) % 2 ** 32, true);
  parts.push(new Uint8Array(trailer.buffer));
  return concat(...parts);
}

/** `members` concatenated gzip members of 1 MiB of zeros each (multi-member gzip is valid). */
export function multiMemberBomb(members: number): Uint8Array {
  const one = gzipSync(new Uint8Array(MiB));
  return concat(...Array.from({ length: members }, () => one));
}
