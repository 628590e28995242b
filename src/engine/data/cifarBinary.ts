/**
 * The "binary version" of CIFAR-10 and CIFAR-100 (Krizhevsky 2009), read by one parser: both
 * are files of fixed-size records, label byte(s) then the 1024 red, 1024 green and 1024 blue
 * bytes of a row-major 32×32 image, packed in a .tar.gz. CIFAR-10 has one label byte and five
 * training files; CIFAR-100 has two (coarse superclass, then fine class) and one train.bin.
 * A `CifarFormat` describes each (cifar10.ts, cifar100.ts); this file unpacks what the user gave,
 * decides which format the files are, checks every record and transposes it to NHWC once.
 */
import { baseNameOf, gunzipBounded, isGzip, isTar, MAX_DECOMPRESSED_BYTES, readTarMembers } from './archive';
import { DatasetError, IMAGE_BYTES, type Dataset, type ImageSplit } from './types';

/** A file as the user handed it over (a browser File's bytes, or read from disk). */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface CifarLoadOptions {
  /** Cap on bytes unpacked from gzip, all files together (default 400 MB): a pile of files each under the cap cannot fill memory. */
  maxDecompressedBytes?: number;
}

/** One dataset's binary layout and file names. */
export interface CifarFormat {
  id: 'cifar10' | 'cifar100';
  /** 'CIFAR-10', as in messages and dataset names. */
  title: string;
  /** The official archive's file name. */
  archiveName: string;
  /** Label bytes before the pixels: 1 (label) or 2 (coarse label, then fine label). */
  labelBytes: 1 | 2;
  /** Fine classes: labels run 0..classes-1. */
  classes: number;
  /** Coarse classes (CIFAR-100's 20 superclasses); absent when labelBytes is 1. */
  coarseClasses?: number;
  /** True for the base name of a training file. */
  isTrainFile: (baseName: string) => boolean;
  /** How many training files make the full set (5 for CIFAR-10, 1 for CIFAR-100). */
  fullTrainFiles: number;
  testFile: string;
  /** File listing the (fine) class names, one per line. */
  classNamesFile: string;
  /** File listing the coarse class names (CIFAR-100). */
  coarseNamesFile?: string;
  defaultClassNames: readonly string[];
  defaultCoarseNames?: readonly string[];
  /** How the expected files are described in messages, e.g. 'data_batch_1.bin … data_batch_5.bin'. */
  trainFilesText: string;
  /** What a missing training file is called in messages: 'data_batch' or 'train.bin'. */
  trainFileLabel: string;
  /** Word used for the fine label in messages: 'label' or 'fine label'. */
  labelWord: string;
  /** Appended to a bad-label message: a hint at what the file may really be. */
  wrongLabelHint: string;
}

/** Bytes per record of a format: label byte(s) + 3·32·32 pixels. */
export function recordBytes(format: CifarFormat): number {
  return format.labelBytes + IMAGE_BYTES;
}

/** True for a base name that belongs to the format (a training, test or class-name file). */
export function isFormatFile(format: CifarFormat, baseName: string): boolean {
  return format.isTrainFile(baseName) || baseName === format.testFile || baseName === format.classNamesFile || baseName === format.coarseNamesFile;
}

/** Harmless companions of the official files (readme.html, dotfiles): skipped quietly. */
const IGNORED_NAMES = (base: string): boolean => base === 'readme.html' || base.startsWith('.');

/** A recognised file, with where it came from for error messages. */
interface Member {
  baseName: string;
  label: string;
  bytes: Uint8Array;
}

/** "CIFAR-10" or "CIFAR-10 or CIFAR-100", for messages. */
function titles(formats: readonly CifarFormat[]): string {
  return formats.map((f) => f.title).join(' or ');
}

/**
 * Parses the binary version of whichever format the files are (the first of `formats` whose
 * training files are present). Training data are that format's training files in name order;
 * test is its test file, or null when absent.
 * @throws DatasetError naming the file and the problem (not gzip, truncated, not a tar, wrong
 *   record size, bad label, unrelated file, files of two datasets, no training file).
 */
export function loadCifarFromFiles(files: InputFile[], formats: readonly CifarFormat[], options: CifarLoadOptions = {}): Dataset {
  const maxBytes = options.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES;
  const known = (base: string) => formats.some((f) => isFormatFile(f, base));
  const members = new Map<string, Member>();
  const unpacked = { bytes: 0 }; // gzip output so far, across files
  for (const file of files) {
    for (const member of unpack(file, maxBytes, unpacked, known, formats)) {
      const previous = members.get(member.baseName);
      if (previous) {
        throw new DatasetError(`${member.baseName} was given twice (${previous.label} and ${member.label}); pick one copy.`);
      }
      members.set(member.baseName, member);
    }
  }
  const present = formats.filter((f) => [...members.keys()].some((name) => f.isTrainFile(name) || name === f.testFile));
  if (present.length > 1) {
    const example = (f: CifarFormat) => [...members.values()].find((m) => f.isTrainFile(m.baseName) || m.baseName === f.testFile)?.label;
    throw new DatasetError(
      `The files mix ${present.map((f) => `${f.title} (${example(f)})`).join(' and ')}; load one dataset at a time.`,
    );
  }
  const format = present[0] ?? formats[0];
  const batches = [...members.values()]
    .filter((m) => format.isTrainFile(m.baseName))
    .sort((a, b) => a.baseName.localeCompare(b.baseName));
  if (batches.length === 0) {
    const given = files.map((f) => f.name).join(', ') || 'nothing';
    throw new DatasetError(noTrainingFileMessage(present[0] ? [present[0]] : formats, given));
  }
  const coarseOf = new Int16Array(format.classes).fill(-1); // fine class → its coarse class, as first seen
  const train = parseRecords(batches, format, coarseOf);
  const testMember = members.get(format.testFile);
  const test = testMember ? parseRecords([testMember], format, coarseOf) : null;
  const names = members.get(format.classNamesFile);
  const classNames = names ? parseClassNames(names, format.classes, `${format.title}'s ${format.classes} class names`) : [...format.defaultClassNames];
  const complete = batches.length === format.fullTrainFiles && test !== null;
  const parts = [...batches.map((m) => m.baseName.replace('.bin', '')), test ? format.testFile.replace('.bin', '') : `no ${format.testFile.replace('.bin', '')}`];
  const dataset: Dataset = { name: complete ? format.title : `${format.title} (${parts.join(', ')})`, id: format.id, classNames, train, test };
  if (format.coarseClasses !== undefined) {
    const coarse = format.coarseNamesFile ? members.get(format.coarseNamesFile) : undefined;
    dataset.coarseClassNames = coarse
      ? parseClassNames(coarse, format.coarseClasses, `${format.title}'s ${format.coarseClasses} coarse class names`)
      : [...(format.defaultCoarseNames ?? [])];
  }
  return dataset;
}

function noTrainingFileMessage(formats: readonly CifarFormat[], given: string): string {
  if (formats.length === 1) {
    const [f] = formats;
    return `No ${f.trainFileLabel} file found in ${given}. Expected ${f.title}'s binary version: ${f.archiveName} or ${f.trainFilesText}.`;
  }
  const expected = formats.map((f) => `${f.archiveName} (${f.trainFilesText})`).join(' or ');
  return `No ${titles(formats)} training file found in ${given}. Expected the binary version: ${expected}.`;
}

/** The recognised files inside one input: itself, or the members of its gzip/tar. */
function unpack(
  file: InputFile, maxBytes: number, unpacked: { bytes: number }, known: (base: string) => boolean, formats: readonly CifarFormat[],
): Member[] {
  const base = baseNameOf(file.name);
  if (isGzip(file.bytes)) {
    const inner = gunzipBounded(file.bytes, file.name, maxBytes, unpacked.bytes);
    unpacked.bytes += inner.length;
    if (isTar(inner)) return fromTar(inner, file.name, known);
    const innerName = base.replace(/\.gz$/i, '');
    if (known(innerName)) return [{ baseName: innerName, label: file.name, bytes: inner }];
    throw new DatasetError(`${file.name} is gzip-compressed but holds neither a tar archive nor a ${titles(formats)} file.`);
  }
  if (isTar(file.bytes)) return fromTar(file.bytes, file.name, known);
  if (known(base)) return [{ baseName: base, label: file.name, bytes: file.bytes }];
  if (/\.(tar\.gz|tgz|gz)$/i.test(base)) {
    throw new DatasetError(`${file.name} is not a gzip file (it does not start with the gzip signature); it may be damaged or renamed.`);
  }
  if (/\.tar$/i.test(base)) throw new DatasetError(`${file.name} is not a tar archive; it may be damaged or renamed.`);
  if (IGNORED_NAMES(base)) return [];
  const versions = formats.map((f) => `${f.title}'s`).join(' or ');
  const expected = formats
    .map((f) => `${f.archiveName}, a .tar of it, or ${[f.trainFilesText, f.testFile, f.classNamesFile, f.coarseNamesFile].filter(Boolean).join(', ')}`)
    .join('; or ');
  throw new DatasetError(`${file.name} is not part of ${versions} binary version. Expected ${expected}.`);
}

function fromTar(bytes: Uint8Array, archiveName: string, known: (base: string) => boolean): Member[] {
  return readTarMembers(bytes, archiveName, known).map((m) => ({
    baseName: m.baseName,
    label: `${archiveName}: ${m.baseName}`,
    bytes: m.bytes,
  }));
}

/**
 * Transposes the records of several files into one NHWC split, written straight into its final
 * buffer so a 50,000-image set is not copied twice. Every label is range-checked; for two label
 * bytes, each fine class must keep one coarse class across all records (`coarseOf`, shared by
 * train and test), as in CIFAR-100, so a file of another layout is caught rather than trained on.
 */
function parseRecords(members: Member[], format: CifarFormat, coarseOf: Int16Array): ImageSplit {
  const size = recordBytes(format);
  for (const { bytes, label: where } of members) {
    if (bytes.length === 0) throw new DatasetError(`${where} is empty.`);
    if (bytes.length % size !== 0) {
      throw new DatasetError(
        `${where} is ${bytes.length.toLocaleString('en-US')} bytes, not a whole number of ${size.toLocaleString('en-US')}-byte records: it looks truncated, or it is not ${format.title}'s binary version.`,
      );
    }
  }
  const count = members.reduce((n, m) => n + m.bytes.length / size, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarseLabels = format.labelBytes === 2 ? new Uint8Array(count) : null;
  const plane = IMAGE_BYTES / 3;
  const first = format.labelBytes; // offset of the first pixel byte in a record
  let out = 0;
  for (const { bytes, label: where } of members) {
    for (let r = 0; r < bytes.length / size; r++, out++) {
      const src = r * size;
      const label = bytes[src + format.labelBytes - 1];
      if (label >= format.classes) {
        throw new DatasetError(
          `${where}: record ${r + 1} has ${format.labelWord} ${label}, but ${format.title} ${format.labelWord}s are 0-${format.classes - 1}.${format.wrongLabelHint}`,
        );
      }
      labels[out] = label;
      if (coarseLabels) checkCoarse(bytes[src], label, r, where, format, coarseOf, coarseLabels, out);
      const dst = out * IMAGE_BYTES;
      for (let p = 0; p < plane; p++) {
        images[dst + 3 * p] = bytes[src + first + p];
        images[dst + 3 * p + 1] = bytes[src + first + plane + p];
        images[dst + 3 * p + 2] = bytes[src + first + 2 * plane + p];
      }
    }
  }
  return coarseLabels ? { images, labels, count, coarseLabels } : { images, labels, count };
}

function checkCoarse(
  coarse: number, fine: number, r: number, where: string, format: CifarFormat,
  coarseOf: Int16Array, out: Uint8Array, at: number,
): void {
  const limit = format.coarseClasses ?? 0;
  if (coarse >= limit) {
    throw new DatasetError(`${where}: record ${r + 1} has coarse label ${coarse}, but ${format.title} coarse labels are 0-${limit - 1}.${format.wrongLabelHint}`);
  }
  if (coarseOf[fine] === -1) coarseOf[fine] = coarse;
  else if (coarseOf[fine] !== coarse) {
    throw new DatasetError(
      `${where}: record ${r + 1} puts fine class ${fine} in coarse class ${coarse}, but earlier records put it in ${coarseOf[fine]}: the labels are inconsistent, so this is not ${format.title}'s binary version.`,
    );
  }
  out[at] = coarse;
}

/** `count` non-empty lines of printable text; anything else is reported, not guessed at. */
function parseClassNames(member: Member, count: number, what: string): string[] {
  if (member.bytes.length > 64 * count + 1024) throw new DatasetError(`${member.label} is too large to be ${what}.`);
  const names = new TextDecoder()
    .decode(member.bytes)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (names.length !== count || names.some((n) => n.length > 64 || /[\p{Cc}]/u.test(n))) {
    throw new DatasetError(`${member.label} should list ${what}, one per line; found ${names.length} lines.`);
  }
  return names;
}
