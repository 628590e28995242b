/**
 * Node only: loads CIFAR-10's binary version from a path, for the command-line runner and
 * benchmarks. Accepts cifar-10-binary.tar.gz (or .tgz, .tar), the extracted
 * cifar-10-batches-bin folder, the folder above it, or a single .bin file; the parsing itself
 * is the engine's loadCifar10FromFiles, so browser and Node read the same bytes the same way.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isCifar10FileName, loadCifar10FromFiles, type InputFile } from '../engine/data/cifar10';
import { DatasetError, type Dataset } from '../engine/data/types';

/** Larger than any CIFAR-10 file (the .tar is about 185 MB); bigger inputs are refused unread. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;
/** Archives we look for inside a folder that holds no .bin files. */
const ARCHIVE_NAMES = ['cifar-10-binary.tar.gz', 'cifar-10-binary.tgz', 'cifar-10-binary.tar'];

/**
 * Loads CIFAR-10 from a file or folder.
 * @throws DatasetError for a missing path, a folder without CIFAR-10 files, or a bad file.
 */
export async function loadDatasetFromPath(path: string): Promise<Dataset> {
  const info = await statOrNull(path);
  if (!info) throw new DatasetError(`No file or folder at ${path}.`);
  if (info.isFile()) return loadCifar10FromFiles([await readInput(path)]);
  if (!info.isDirectory()) throw new DatasetError(`${path} is neither a file nor a folder.`);
  const files = await findDatasetFiles(path);
  if (files.length === 0) {
    throw new DatasetError(
      `No CIFAR-10 files in ${path}: expected data_batch_1.bin … data_batch_5.bin (the cifar-10-batches-bin folder), the folder above it, or cifar-10-binary.tar.gz.`,
    );
  }
  return loadCifar10FromFiles(await Promise.all(files.map(readInput)));
}

/** The .bin/.txt files of `dir`, else of a subfolder (cifar-10-batches-bin first), else an archive in it. */
async function findDatasetFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const own = entries.filter((e) => e.isFile() && isCifar10FileName(e.name)).map((e) => join(dir, e.name));
  if (own.length > 0) return own;
  const subdirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => Number(b === 'cifar-10-batches-bin') - Number(a === 'cifar-10-batches-bin') || a.localeCompare(b));
  for (const sub of subdirs) {
    const inner = await readdir(join(dir, sub), { withFileTypes: true });
    const found = inner.filter((e) => e.isFile() && isCifar10FileName(e.name)).map((e) => join(dir, sub, e.name));
    if (found.length > 0) return found;
  }
  const archive = ARCHIVE_NAMES.find((name) => entries.some((e) => e.isFile() && e.name === name));
  return archive ? [join(dir, archive)] : [];
}

async function readInput(path: string): Promise<InputFile> {
  const info = await stat(path);
  if (info.size > MAX_FILE_BYTES) {
    throw new DatasetError(`${basename(path)} is ${Math.round(info.size / 2 ** 20)} MB, larger than any CIFAR-10 file; not reading it.`);
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
