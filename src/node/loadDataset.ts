/**
 * Node only: loads CIFAR-10's or CIFAR-100's binary version from a path, for the command-line
 * runner and benchmarks. Accepts cifar-10-binary.tar.gz / cifar-100-binary.tar.gz (or .tgz,
 * .tar), the extracted cifar-10-batches-bin / cifar-100-binary folder, the folder above it (such
 * as public/datasets/), or a single .bin file; or the Hugging Face Parquet files (a folder
 * holding train-….parquet and test-….parquet, as `npm run data -- --source hf` writes, or one
 * .parquet file). The parsing itself is the engine's (loadAnyCifarFromFiles, loadCifarFromParquet
 * with fast-png), so browser and Node read the same bytes the same way.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isCifarFileName, loadAnyCifarFromFiles } from '../engine/data/cifar';
import { isParquetFileName, loadCifarFromParquet } from '../engine/data/parquetCifar';
import { decodePngRgb } from '../engine/data/pngDecode';
import type { InputFile } from '../engine/data/cifarBinary';
import { DatasetError, type Dataset } from '../engine/data/types';

/** Larger than any CIFAR file (the .tar is about 185 MB); bigger inputs are refused unread. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;
/** Archives we look for inside a folder that holds no .bin files. */
const ARCHIVE_NAMES = [
  'cifar-10-binary.tar.gz', 'cifar-10-binary.tgz', 'cifar-10-binary.tar',
  'cifar-100-binary.tar.gz', 'cifar-100-binary.tgz', 'cifar-100-binary.tar',
];
/** Extracted folders, looked in first (in this order) when a folder holds several. */
const PREFERRED_DIRS = ['cifar-10-batches-bin', 'cifar-100-binary'];

/**
 * Loads CIFAR-10 or CIFAR-100 from a file or folder (from whichever it finds first: the folder's
 * own .bin files, then a subfolder's, then an archive in it).
 * @throws DatasetError for a missing path, a folder without CIFAR-10 files, or a bad file.
 */
export async function loadDatasetFromPath(path: string): Promise<Dataset> {
  const info = await statOrNull(path);
  if (!info) throw new DatasetError(`No file or folder at ${path}.`);
  if (info.isFile()) {
    const input = await readInput(path);
    return isParquetFileName(input.name) ? loadCifarFromParquet([input], { decodePng: decodePngRgb }) : loadAnyCifarFromFiles([input]);
  }
  if (!info.isDirectory()) throw new DatasetError(`${path} is neither a file nor a folder.`);
  const parquet = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && isParquetFileName(e.name));
  if (parquet.length > 0) return loadCifarFromParquet(await Promise.all(parquet.map((e) => readInput(join(path, e.name)))), { decodePng: decodePngRgb });
  const files = await findDatasetFiles(path);
  if (files.length === 0) {
    throw new DatasetError(
      `No CIFAR-10 or CIFAR-100 files in ${path}: expected data_batch_1.bin … data_batch_5.bin (the cifar-10-batches-bin folder) or train.bin (the cifar-100-binary folder), the folder above one, or cifar-10-binary.tar.gz / cifar-100-binary.tar.gz.`,
    );
  }
  return loadAnyCifarFromFiles(await Promise.all(files.map(readInput)));
}

/** The .bin/.txt files of `dir`, else of a subfolder (the official folder names first), else an archive in it. */
async function findDatasetFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const own = entries.filter((e) => e.isFile() && isCifarFileName(e.name)).map((e) => join(dir, e.name));
  if (own.length > 0) return own;
  const subdirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const sub of subdirs) {
    const inner = await readdir(join(dir, sub), { withFileTypes: true });
    const found = inner.filter((e) => e.isFile() && isCifarFileName(e.name)).map((e) => join(dir, sub, e.name));
    if (found.length > 0) return found;
  }
  const archive = ARCHIVE_NAMES.find((name) => entries.some((e) => e.isFile() && e.name === name));
  return archive ? [join(dir, archive)] : [];
}

/** Official folder names first, in PREFERRED_DIRS order; others after. */
function rank(dirName: string): number {
  const i = PREFERRED_DIRS.indexOf(dirName);
  return i === -1 ? PREFERRED_DIRS.length : i;
}

async function readInput(path: string): Promise<InputFile> {
  const info = await stat(path);
  if (info.size > MAX_FILE_BYTES) {
    throw new DatasetError(`${basename(path)} is ${Math.round(info.size / 2 ** 20)} MB, larger than any CIFAR file; not reading it.`);
  }
  const buffer = await readFile(path);
  return { name: basename(path), bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}
