/**
 * A decoded dataset as one flat byte blob, so the browser can keep it (Cache Storage) and the
 * next visit loads it in seconds with no download and no PNG decoding. Layout: "TLDS", a
 * little-endian u32 format version, a u32 header length, the header as JSON (name, id, class
 * names, split sizes), padding to 8 bytes, then each split's images, labels and coarse labels
 * in order, train first. Unpacking checks every size against the header, so a blob cut short or
 * written by another version is refused rather than read as wrong pixels.
 */
import { DatasetError, IMAGE_BYTES, type Dataset, type ImageSplit } from './types';

const MAGIC = 'TLDS';
/** Bump when the layout changes: older blobs are then refused (and downloaded again). */
export const PACKED_VERSION = 1;

interface PackedHeader {
  name: string;
  id: Dataset['id'];
  classNames: string[];
  coarseClassNames?: string[];
  train: number;
  test: number;
  coarse: boolean;
}

function splitParts(split: ImageSplit, coarse: boolean): Uint8Array[] {
  return [split.images, split.labels, ...(coarse ? [split.coarseLabels ?? new Uint8Array(split.count)] : [])];
}

/** The blob as parts (pass them to a Blob or Response without copying them into one buffer). */
export function packDataset(dataset: Dataset): Uint8Array[] {
  const coarse = dataset.train.coarseLabels !== undefined;
  const header: PackedHeader = {
    name: dataset.name,
    id: dataset.id,
    classNames: dataset.classNames,
    train: dataset.train.count,
    test: dataset.test?.count ?? 0,
    coarse,
  };
  if (dataset.coarseClassNames) header.coarseClassNames = dataset.coarseClassNames;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((12 + json.length) / 8) * 8;
  const head = new Uint8Array(padded);
  head.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(head.buffer);
  view.setUint32(4, PACKED_VERSION, true);
  view.setUint32(8, json.length, true);
  head.set(json, 12);
  return [head, ...splitParts(dataset.train, coarse), ...(dataset.test ? splitParts(dataset.test, coarse) : [])];
}

/** Size in bytes of the packed blob. */
export function packedSize(parts: Uint8Array[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/**
 * Reads a packed blob back (the arrays are copies, independent of `bytes`).
 * @throws DatasetError for a blob that is not one, of another version, or cut short
 */
export function unpackDataset(bytes: Uint8Array, label = 'The stored dataset'): Dataset {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new DatasetError(`${label} is not a dataset this app stored.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PACKED_VERSION) throw new DatasetError(`${label} was stored by another version of the app (format ${version}, this one reads ${PACKED_VERSION}).`);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) throw new DatasetError(`${label} is cut short.`);
  let header: PackedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength))) as PackedHeader;
  } catch {
    throw new DatasetError(`${label} has a damaged header.`);
  }
  const { train, test, coarse } = header;
  if (!Number.isSafeInteger(train) || train <= 0 || !Number.isSafeInteger(test) || test < 0 || (header.id !== 'cifar10' && header.id !== 'cifar100' && header.id !== 'synthetic')) {
    throw new DatasetError(`${label} has a damaged header.`);
  }
  const perImage = IMAGE_BYTES + 1 + (coarse ? 1 : 0);
  let offset = Math.ceil((12 + jsonLength) / 8) * 8;
  if (offset + (train + test) * perImage !== bytes.length) throw new DatasetError(`${label} is ${bytes.length} bytes, not the ${offset + (train + test) * perImage} its header says; it is cut short or damaged.`);
  const take = (n: number) => bytes.slice(offset, (offset += n));
  const readSplit = (count: number): ImageSplit => {
    const split: ImageSplit = { images: take(count * IMAGE_BYTES), labels: take(count), count };
    if (coarse) split.coarseLabels = take(count);
    return split;
  };
  const dataset: Dataset = { name: header.name, id: header.id, classNames: header.classNames, train: readSplit(train), test: test > 0 ? readSplit(test) : null };
  if (header.coarseClassNames) dataset.coarseClassNames = header.coarseClassNames;
  return dataset;
}
