/**
 * CIFAR-10 (Krizhevsky 2009), "binary version", as the user downloads it: cifar-10-binary.tar.gz,
 * the same as a plain .tar, or its files (data_batch_1..5.bin, test_batch.bin, batches.meta.txt)
 * in any mix. Each record is 3,073 bytes: a label byte (0-9), then the 1024 red, 1024 green and
 * 1024 blue bytes of a row-major 32×32 image; we transpose to NHWC once here. He et al. 2019
 * train CIFAR ResNets on the 50,000 training images and report accuracy on the 10,000 test ones.
 */
import { baseNameOf, gunzipBounded, isGzip, isTar, MAX_DECOMPRESSED_BYTES, readTarMembers } from './archive';
import { DatasetError, IMAGE_BYTES, type Dataset, type ImageSplit } from './types';

/** Bytes per record in the binary files: 1 label + 3·32·32 pixels. */
export const CIFAR10_RECORD_BYTES = 1 + IMAGE_BYTES;

/** Class names in label order, as in batches.meta.txt. */
export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

/** A file as the user handed it over (a browser File's bytes, or read from disk). */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface Cifar10LoadOptions {
  /** Cap on bytes unpacked from any one gzip file (default 400 MB). */
  maxDecompressedBytes?: number;
}

const DATA_BATCH = /^data_batch_([1-5])\.bin$/;

/** True for the base names of the official files: data_batch_1..5.bin, test_batch.bin, batches.meta.txt. */
export function isCifar10FileName(baseName: string): boolean {
  return DATA_BATCH.test(baseName) || baseName === 'test_batch.bin' || baseName === 'batches.meta.txt';
}
const KNOWN_NAMES = isCifar10FileName;
/** Harmless companions of the official files: skipped quietly at top level. */
const IGNORED_NAMES = (base: string): boolean => base === 'readme.html' || base.startsWith('.');

/** A recognised CIFAR-10 file, with where it came from for error messages. */
interface Member {
  baseName: string;
  label: string;
  bytes: Uint8Array;
}

/**
 * Parses CIFAR-10's binary version from the files a user picked.
 * Training data are the data_batch_N.bin files present, in N order; test is test_batch.bin or null.
 * @throws DatasetError naming the file and the problem (not gzip, truncated, not a tar,
 *   wrong record size, bad label, unrelated file, no data_batch file).
 */
export function loadCifar10FromFiles(files: InputFile[], options: Cifar10LoadOptions = {}): Dataset {
  const maxBytes = options.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES;
  const members = new Map<string, Member>();
  for (const file of files) {
    for (const member of unpack(file, maxBytes)) {
      const previous = members.get(member.baseName);
      if (previous) {
        throw new DatasetError(`${member.baseName} was given twice (${previous.label} and ${member.label}); pick one copy.`);
      }
      members.set(member.baseName, member);
    }
  }
  const batches = [...members.values()]
    .filter((m) => DATA_BATCH.test(m.baseName))
    .sort((a, b) => a.baseName.localeCompare(b.baseName));
  if (batches.length === 0) {
    const given = files.map((f) => f.name).join(', ') || 'nothing';
    throw new DatasetError(
      `No data_batch file found in ${given}. Expected CIFAR-10's binary version: cifar-10-binary.tar.gz or data_batch_1.bin … data_batch_5.bin.`,
    );
  }
  const train = parseRecords(batches);
  const testMember = members.get('test_batch.bin');
  const test = testMember ? parseRecords([testMember]) : null;
  const meta = members.get('batches.meta.txt');
  const classNames = meta ? parseClassNames(meta) : [...CIFAR10_CLASS_NAMES];
  const complete = batches.length === 5 && test !== null;
  const parts = [...batches.map((m) => m.baseName.replace('.bin', '')), test ? 'test_batch' : 'no test_batch'];
  return { name: complete ? 'CIFAR-10' : `CIFAR-10 (${parts.join(', ')})`, id: 'cifar10', classNames, train, test };
}

/** The recognised CIFAR-10 files inside one input: itself, or the members of its gzip/tar. */
function unpack(file: InputFile, maxBytes: number): Member[] {
  const base = baseNameOf(file.name);
  if (isGzip(file.bytes)) {
    const inner = gunzipBounded(file.bytes, file.name, maxBytes);
    if (isTar(inner)) return fromTar(inner, file.name);
    const innerName = base.replace(/\.gz$/i, '');
    if (KNOWN_NAMES(innerName)) return [{ baseName: innerName, label: file.name, bytes: inner }];
    throw new DatasetError(`${file.name} is gzip-compressed but holds neither a tar archive nor a CIFAR-10 file.`);
  }
  if (isTar(file.bytes)) return fromTar(file.bytes, file.name);
  if (KNOWN_NAMES(base)) return [{ baseName: base, label: file.name, bytes: file.bytes }];
  if (/\.(tar\.gz|tgz|gz)$/i.test(base)) {
    throw new DatasetError(`${file.name} is not a gzip file (it does not start with the gzip signature); it may be damaged or renamed.`);
  }
  if (/\.tar$/i.test(base)) throw new DatasetError(`${file.name} is not a tar archive; it may be damaged or renamed.`);
  if (IGNORED_NAMES(base)) return [];
  throw new DatasetError(
    `${file.name} is not part of CIFAR-10's binary version. Expected cifar-10-binary.tar.gz, a .tar of it, or data_batch_1.bin … data_batch_5.bin, test_batch.bin, batches.meta.txt.`,
  );
}

function fromTar(bytes: Uint8Array, archiveName: string): Member[] {
  return readTarMembers(bytes, archiveName, KNOWN_NAMES).map((m) => ({
    baseName: m.baseName,
    label: `${archiveName}: ${m.baseName}`,
    bytes: m.bytes,
  }));
}

/**
 * Transposes the records of several files (label, R plane, G plane, B plane) into one NHWC
 * split, written straight into its final buffer so a 50,000-image set is not copied twice.
 */
function parseRecords(members: Member[]): ImageSplit {
  for (const { bytes, label: where } of members) {
    if (bytes.length === 0) throw new DatasetError(`${where} is empty.`);
    if (bytes.length % CIFAR10_RECORD_BYTES !== 0) {
      throw new DatasetError(
        `${where} is ${bytes.length.toLocaleString('en-US')} bytes, not a whole number of 3,073-byte records: it looks truncated, or it is not CIFAR-10's binary version.`,
      );
    }
  }
  const count = members.reduce((n, m) => n + m.bytes.length / CIFAR10_RECORD_BYTES, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const plane = IMAGE_BYTES / 3;
  let out = 0;
  for (const { bytes, label: where } of members) {
    for (let r = 0; r < bytes.length / CIFAR10_RECORD_BYTES; r++, out++) {
      const src = r * CIFAR10_RECORD_BYTES;
      const label = bytes[src];
      if (label > 9) {
        throw new DatasetError(
          `${where}: record ${r + 1} has label ${label}, but CIFAR-10 labels are 0-9. Is this CIFAR-100 or another dataset?`,
        );
      }
      labels[out] = label;
      const dst = out * IMAGE_BYTES;
      for (let p = 0; p < plane; p++) {
        images[dst + 3 * p] = bytes[src + 1 + p];
        images[dst + 3 * p + 1] = bytes[src + 1 + plane + p];
        images[dst + 3 * p + 2] = bytes[src + 1 + 2 * plane + p];
      }
    }
  }
  return { images, labels, count };
}

/** Ten non-empty lines of printable text; anything else is reported, not guessed at. */
function parseClassNames(member: Member): string[] {
  if (member.bytes.length > 4096) throw new DatasetError(`${member.label} is too large to be CIFAR-10's list of class names.`);
  const names = new TextDecoder()
    .decode(member.bytes)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (names.length !== 10 || names.some((n) => n.length > 64 || /[\p{Cc}]/u.test(n))) {
    throw new DatasetError(`${member.label} should list CIFAR-10's 10 class names, one per line; found ${names.length} lines.`);
  }
  return names;
}
