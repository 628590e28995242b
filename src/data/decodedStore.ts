/**
 * Decoded datasets kept in the browser: the images and labels as one packed blob
 * (engine/data/packedDataset.ts) in the same Cache Storage as the downloaded archives, under the
 * dataset's page address (e.g. https://huggingface.co/datasets/uoft-cs/cifar10), so the next
 * visit loads it with no download and no PNG decoding, and the downloader lists it (with its
 * size and a Remove button) beside the archives. Written and read by the training worker, which
 * holds the decoded set; the page only asks whether one is there. DOM-free.
 */
import { NAME_HEADER, SIZE_HEADER, STORED_AT_HEADER, type ByteCache } from './datasetStore';

/** Stores a packed dataset under `key`, listed as `name`. @throws what Cache.put throws (quota) */
export async function putDecoded(cache: ByteCache, key: string, name: string, parts: Uint8Array[]): Promise<number> {
  const bytes = parts.reduce((n, p) => n + p.length, 0);
  const headers = { 'Content-Type': 'application/octet-stream', [SIZE_HEADER]: String(bytes), [STORED_AT_HEADER]: new Date().toISOString(), [NAME_HEADER]: name };
  // A Blob of the parts: the browser may keep it on disk instead of copying it into one buffer.
  await cache.put(key, new Response(new Blob(parts as Uint8Array<ArrayBuffer>[]), { headers }));
  return bytes;
}

/** The packed blob stored under `key`, or null. */
export async function getDecoded(cache: ByteCache, key: string): Promise<Uint8Array | null> {
  const hit = await cache.match(key);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

/** True when a decoded set is stored under `key` (its body is not read). */
export async function hasDecoded(cache: ByteCache, key: string): Promise<boolean> {
  return (await cache.match(key)) !== undefined;
}
