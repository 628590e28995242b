/**
 * CIFAR-10 and CIFAR-100 as the Hugging Face Hub publishes them (datasets uoft-cs/cifar10 and
 * uoft-cs/cifar100, Krizhevsky 2009): Parquet files, one per split (train-….parquet,
 * test-….parquet), a row per image with the image as PNG bytes in a struct column
 * `img {bytes, path}` and the label as an integer: `label` (CIFAR-10) or `fine_label` and
 * `coarse_label` (CIFAR-100). The label numbering is the original one (the Hub's class lists are
 * the official class-name files in order), so the class names are those of cifar10.ts and
 * cifar100.ts. Which dataset it is comes from the columns, never from the file name.
 *
 * Parquet is read with hyparquet one row group at a time (only that group's rows are held as
 * objects), the PNGs are decoded by the given PngDecoder (the browser's own decoder in the
 * worker, fast-png in Node) and written straight into the NHWC split. Every failure is a
 * DatasetError naming the file (and the row) and the problem: not Parquet, cut short, damaged
 * metadata or pages, missing columns, a bad PNG, an image not 32×32, a label out of range.
 */
import { parquetMetadata, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { CIFAR10_CLASS_NAMES } from './cifar10';
import { CIFAR100_CLASS_NAMES, CIFAR100_COARSE_NAMES } from './cifar100';
import type { InputFile } from './cifarBinary';
import type { PngDecoder } from './pngDecode';
import { DatasetError, IMAGE_BYTES, IMAGE_SIZE, type Dataset, type ImageSplit } from './types';
import { errorMessage } from '../errorMessage';

/** Rows per split at most (CIFAR has 50,000 and 10,000): a file claiming more is refused before allocating. */
export const MAX_PARQUET_ROWS = 100_000;
/** Images decoded between yields to the event loop (so a worker's heartbeat keeps beating). */
const YIELD_EVERY = 256;
/** Images decoded at once (a divisor of YIELD_EVERY). */
const DECODE_BATCH = 32;
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1" at both ends of every Parquet file

export interface ParquetProgress {
  file: string;
  /** Images decoded so far in this file. */
  done: number;
  total: number;
}

export interface ParquetLoadOptions {
  decodePng: PngDecoder;
  onProgress?: (progress: ParquetProgress) => void;
  signal?: AbortSignal;
}

interface Layout {
  id: 'cifar10' | 'cifar100';
  title: string;
  image: string;
  label: string;
  coarse?: string;
}

const LAYOUTS: readonly Layout[] = [
  { id: 'cifar100', title: 'CIFAR-100', image: 'img', label: 'fine_label', coarse: 'coarse_label' },
  { id: 'cifar10', title: 'CIFAR-10', image: 'img', label: 'label' },
];

/** True for a file name the Parquet reader takes (by extension; the content is checked when read). */
export function isParquetFileName(name: string): boolean {
  return /\.parquet$/i.test(name);
}

/**
 * Reads CIFAR-10 or CIFAR-100 from its Hugging Face Parquet files: one whose name starts with
 * "train" (required) and one starting with "test" (optional: without it a seeded split of train
 * is used for validation).
 * @throws DatasetError naming the file and the problem
 */
export async function loadCifarFromParquet(files: InputFile[], options: ParquetLoadOptions): Promise<Dataset> {
  const role = (f: InputFile) => (/^train/i.test(baseName(f.name)) ? 'train' : /^test/i.test(baseName(f.name)) ? 'test' : null);
  const unknown = files.find((f) => role(f) === null);
  if (unknown) throw new DatasetError(`${unknown.name}: expected the Hugging Face CIFAR files train-00000-of-00001.parquet and test-00000-of-00001.parquet; the name says neither train nor test.`);
  const trainFiles = files.filter((f) => role(f) === 'train');
  const testFiles = files.filter((f) => role(f) === 'test');
  if (trainFiles.length !== 1) {
    throw new DatasetError(trainFiles.length === 0 ? `No training file among ${files.map((f) => f.name).join(', ') || 'the files'}: add train-00000-of-00001.parquet.` : `Two training files (${trainFiles.map((f) => f.name).join(', ')}); give one.`);
  }
  if (testFiles.length > 1) throw new DatasetError(`Two test files (${testFiles.map((f) => f.name).join(', ')}); give one.`);

  const train = await readSplit(trainFiles[0], options);
  const test = testFiles.length === 1 ? await readSplit(testFiles[0], options) : null;
  if (test && test.layout.id !== train.layout.id) {
    throw new DatasetError(`${testFiles[0].name} is ${test.layout.title} but ${trainFiles[0].name} is ${train.layout.title}; give the two files of one dataset.`);
  }
  const { layout } = train;
  const dataset: Dataset = {
    name: test ? layout.title : `${layout.title} (train only)`,
    id: layout.id,
    classNames: [...(layout.id === 'cifar100' ? CIFAR100_CLASS_NAMES : CIFAR10_CLASS_NAMES)],
    train: train.split,
    test: test?.split ?? null,
  };
  if (layout.coarse) dataset.coarseClassNames = [...CIFAR100_COARSE_NAMES];
  return dataset;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The file's bytes as an ArrayBuffer of exactly its length (hyparquet reads ArrayBuffers). */
function wholeBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}

function hasMagic(bytes: Uint8Array, at: number): boolean {
  return MAGIC.every((b, i) => bytes[at + i] === b);
}

const messageOf = (err: unknown) => errorMessage(err);

/** Checks the file is whole Parquet and reads its footer. */
function readMetadata(file: InputFile): { buffer: ArrayBuffer; metadata: FileMetaData } {
  const { name, bytes } = file;
  if (bytes.length === 0) throw new DatasetError(`${name} is empty.`);
  if (bytes.length < 12 || !hasMagic(bytes, 0)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
    const page = head.startsWith('<');
    throw new DatasetError(`${name} is not a Parquet file (it does not start with PAR1)${page ? ': it is a web page, perhaps an error page instead of the file' : ''}.`);
  }
  if (!hasMagic(bytes, bytes.length - 4)) {
    throw new DatasetError(`${name} is cut short (${bytes.length} bytes, and the end of a Parquet file, where its table of contents is, is missing): download it again.`);
  }
  const buffer = wholeBuffer(bytes);
  try {
    return { buffer, metadata: parquetMetadata(buffer) };
  } catch (err) {
    throw new DatasetError(`${name} is damaged: its Parquet metadata cannot be read (${messageOf(err)}). Download it again.`);
  }
}

function layoutOf(file: InputFile, metadata: FileMetaData): Layout {
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const layout = LAYOUTS.find((l) => [l.image, l.label, l.coarse].every((c) => c === undefined || columns.includes(c)));
  if (!layout) {
    throw new DatasetError(`${file.name} has the columns ${columns.join(', ') || '(none)'}, not those of the Hugging Face CIFAR files (img and label, or img, fine_label and coarse_label).`);
  }
  return layout;
}

/** An integer label in 0..classes-1 from an int32/int64 cell, or null. */
function labelOf(value: unknown, classes: number): number | null {
  const n = typeof value === 'bigint' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < classes ? n : null;
}

/** The PNG bytes of an `img` cell: a struct {bytes, path} (or bare bytes). */
function pngOf(cell: unknown): Uint8Array | null {
  if (cell instanceof Uint8Array) return cell;
  if (typeof cell === 'object' && cell !== null && 'bytes' in cell && cell.bytes instanceof Uint8Array) return cell.bytes;
  return null;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function readSplit(file: InputFile, options: ParquetLoadOptions): Promise<{ layout: Layout; split: ImageSplit }> {
  const { buffer, metadata } = readMetadata(file);
  const layout = layoutOf(file, metadata);
  const count = Number(metadata.num_rows);
  if (!Number.isSafeInteger(count) || count <= 0) throw new DatasetError(`${file.name} holds no rows.`);
  if (count > MAX_PARQUET_ROWS) throw new DatasetError(`${file.name} says it holds ${count} rows; CIFAR splits hold at most 50,000. It is not a CIFAR file.`);
  const classes = layout.id === 'cifar100' ? 100 : 10;
  const split: ImageSplit = { images: new Uint8Array(count * IMAGE_BYTES), labels: new Uint8Array(count), count };
  if (layout.coarse) split.coarseLabels = new Uint8Array(count);
  const columns = [layout.image, layout.label, ...(layout.coarse ? [layout.coarse] : [])];

  let row = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = row + Number(group.num_rows);
    let rows: Record<string, unknown>[] = [];
    try {
      await parquetRead({ file: buffer, metadata, columns, rowStart: row, rowEnd, utf8: false, rowFormat: 'object', onComplete: (r) => (rows = r) });
    } catch (err) {
      throw new DatasetError(`${file.name} is damaged: rows ${row}–${rowEnd - 1} cannot be read (${messageOf(err)}). Download it again.`);
    }
    if (rows.length !== rowEnd - row) throw new DatasetError(`${file.name} is damaged: rows ${row}–${rowEnd - 1} hold ${rows.length} rows.`);
    // Images are decoded a batch at a time, concurrently (the browser's decoder is asynchronous
    // and works in parallel); results are written, and errors reported, in row order.
    for (let first = 0; first < rows.length; first += DECODE_BATCH) {
      if (options.signal?.aborted) throw new DatasetError(`Reading ${file.name} was cancelled.`);
      const batch = rows.slice(first, first + DECODE_BATCH);
      const decoded = await Promise.allSettled(
        batch.map(async (cells, i) => {
          const png = pngOf(cells[layout.image]);
          if (!png) throw new DatasetError(`${file.name}, row ${row + i}: the ${layout.image} column holds no image bytes.`);
          return options.decodePng(png);
        }),
      );
      for (const [i, cells] of batch.entries()) {
        const where = `${file.name}, row ${row}`;
        const result = decoded[i];
        if (result.status === 'rejected') {
          if (result.reason instanceof DatasetError) throw result.reason;
          throw new DatasetError(`${where}: the image is not a readable PNG (${messageOf(result.reason)}).`);
        }
        const image = result.value;
        if (image.width !== IMAGE_SIZE || image.height !== IMAGE_SIZE) {
          throw new DatasetError(`${where}: the image is ${image.width}×${image.height}, not CIFAR's ${IMAGE_SIZE}×${IMAGE_SIZE}.`);
        }
        split.images.set(image.rgb, row * IMAGE_BYTES);
        const label = labelOf(cells[layout.label], classes);
        if (label === null) throw new DatasetError(`${where}: ${layout.label} is ${String(cells[layout.label])}, not a class 0–${classes - 1}.`);
        split.labels[row] = label;
        if (layout.coarse && split.coarseLabels) {
          const coarse = labelOf(cells[layout.coarse], 20);
          if (coarse === null) throw new DatasetError(`${where}: ${layout.coarse} is ${String(cells[layout.coarse])}, not a superclass 0–19.`);
          split.coarseLabels[row] = coarse;
        }
        row++;
        if (row % YIELD_EVERY === 0) {
          options.onProgress?.({ file: file.name, done: row, total: count });
          await nextTask();
        }
      }
    }
  }
  if (row !== count) throw new DatasetError(`${file.name} is damaged: its row groups hold ${row} rows, its footer says ${count}.`);
  options.onProgress?.({ file: file.name, done: count, total: count });
  return { layout, split };
}
