/**
 * CIFAR-10 (Krizhevsky 2009), "binary version", as the user downloads it: cifar-10-binary.tar.gz,
 * the same as a plain .tar, or its files (data_batch_1..5.bin, test_batch.bin, batches.meta.txt)
 * in any mix. Each record is 3,073 bytes: a label byte (0-9), then the 1024 red, 1024 green and
 * 1024 blue bytes of a row-major 32×32 image. He et al. 2019 train CIFAR ResNets on the 50,000
 * training images and report accuracy on the 10,000 test ones. The parsing is shared with
 * CIFAR-100 (cifarBinary.ts); this file holds what is particular to CIFAR-10.
 */
import { loadCifarFromFiles, recordBytes, type CifarFormat, type CifarLoadOptions, type InputFile } from './cifarBinary';
import type { Dataset } from './types';

export type { InputFile };
export type Cifar10LoadOptions = CifarLoadOptions;

/** Class names in label order, as in batches.meta.txt. */
export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

const DATA_BATCH = /^data_batch_([1-5])\.bin$/;

/** CIFAR-10's binary layout: one label byte per record, five training files. */
export const CIFAR10_FORMAT: CifarFormat = {
  id: 'cifar10',
  title: 'CIFAR-10',
  archiveName: 'cifar-10-binary.tar.gz',
  labelBytes: 1,
  classes: 10,
  isTrainFile: (base) => DATA_BATCH.test(base),
  fullTrainFiles: 5,
  testFile: 'test_batch.bin',
  classNamesFile: 'batches.meta.txt',
  defaultClassNames: CIFAR10_CLASS_NAMES,
  trainFilesText: 'data_batch_1.bin … data_batch_5.bin',
  trainFileLabel: 'data_batch',
  labelWord: 'label',
  wrongLabelHint: ' Is this CIFAR-100 or another dataset?',
};

/** Bytes per record in the binary files: 1 label + 3·32·32 pixels. */
export const CIFAR10_RECORD_BYTES = recordBytes(CIFAR10_FORMAT);

/**
 * Parses CIFAR-10's binary version from the files a user picked.
 * Training data are the data_batch_N.bin files present, in N order; test is test_batch.bin or null.
 * @throws DatasetError naming the file and the problem (not gzip, truncated, not a tar,
 *   wrong record size, bad label, unrelated file, no data_batch file).
 */
export function loadCifar10FromFiles(files: InputFile[], options: Cifar10LoadOptions = {}): Dataset {
  return loadCifarFromFiles(files, [CIFAR10_FORMAT], options);
}
