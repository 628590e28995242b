/**
 * Either CIFAR dataset from the user's files: CIFAR-10 or CIFAR-100 in the binary version,
 * recognised by the names of the files inside (data_batch_N.bin / train.bin), never by what the
 * archive is called. The worker, the Node loader and the download path all come through here.
 */
import { CIFAR10_FORMAT } from './cifar10';
import { CIFAR100_FORMAT } from './cifar100';
import { isFormatFile, loadCifarFromFiles, type CifarFormat, type CifarLoadOptions, type InputFile } from './cifarBinary';
import type { Dataset } from './types';

/** The formats a user's files may be in, tried in this order. */
export const CIFAR_FORMATS: readonly CifarFormat[] = [CIFAR10_FORMAT, CIFAR100_FORMAT];

/** True for the base name of any official CIFAR-10 or CIFAR-100 binary file. */
export function isCifarFileName(baseName: string): boolean {
  return CIFAR_FORMATS.some((f) => isFormatFile(f, baseName));
}

/**
 * Parses CIFAR-10 or CIFAR-100, whichever the files are; files of both at once are refused.
 * @throws DatasetError naming the file and the problem.
 */
export function loadAnyCifarFromFiles(files: InputFile[], options: CifarLoadOptions = {}): Dataset {
  return loadCifarFromFiles(files, CIFAR_FORMATS, options);
}
