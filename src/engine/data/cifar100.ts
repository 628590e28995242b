/**
 * CIFAR-100 (Krizhevsky 2009), "binary version": cifar-100-binary.tar.gz holding
 * cifar-100-binary/train.bin (50,000 records), test.bin (10,000), fine_label_names.txt and
 * coarse_label_names.txt. Each record is 3,074 bytes: the coarse label (0-19, one of 20
 * superclasses), the fine label (0-99), then the 1024 red, 1024 green and 1024 blue bytes of a
 * row-major 32×32 image. We train on the 100 fine labels and keep the coarse ones (a confusion
 * view can group classes by superclass). Parsing is shared with CIFAR-10 (cifarBinary.ts).
 */
import { loadCifarFromFiles, recordBytes, type CifarFormat, type CifarLoadOptions, type InputFile } from './cifarBinary';
import type { Dataset } from './types';

/** Fine class names in label order, as in fine_label_names.txt. */
export const CIFAR100_CLASS_NAMES = [
  'apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle',
  'bowl', 'boy', 'bridge', 'bus', 'butterfly', 'camel', 'can', 'castle', 'caterpillar', 'cattle',
  'chair', 'chimpanzee', 'clock', 'cloud', 'cockroach', 'couch', 'crab', 'crocodile', 'cup', 'dinosaur',
  'dolphin', 'elephant', 'flatfish', 'forest', 'fox', 'girl', 'hamster', 'house', 'kangaroo', 'keyboard',
  'lamp', 'lawn_mower', 'leopard', 'lion', 'lizard', 'lobster', 'man', 'maple_tree', 'motorcycle', 'mountain',
  'mouse', 'mushroom', 'oak_tree', 'orange', 'orchid', 'otter', 'palm_tree', 'pear', 'pickup_truck', 'pine_tree',
  'plain', 'plate', 'poppy', 'porcupine', 'possum', 'rabbit', 'raccoon', 'ray', 'road', 'rocket',
  'rose', 'sea', 'seal', 'shark', 'shrew', 'skunk', 'skyscraper', 'snail', 'snake', 'spider',
  'squirrel', 'streetcar', 'sunflower', 'sweet_pepper', 'table', 'tank', 'telephone', 'television', 'tiger', 'tractor',
  'train', 'trout', 'tulip', 'turtle', 'wardrobe', 'whale', 'willow_tree', 'wolf', 'woman', 'worm',
];

/** Coarse (superclass) names in label order, as in coarse_label_names.txt. */
export const CIFAR100_COARSE_NAMES = [
  'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables',
  'household_electrical_devices', 'household_furniture', 'insects', 'large_carnivores',
  'large_man-made_outdoor_things', 'large_natural_outdoor_scenes', 'large_omnivores_and_herbivores',
  'medium_mammals', 'non-insect_invertebrates', 'people', 'reptiles', 'small_mammals', 'trees',
  'vehicles_1', 'vehicles_2',
];

/** CIFAR-100's binary layout: coarse and fine label bytes per record, one training file. */
export const CIFAR100_FORMAT: CifarFormat = {
  id: 'cifar100',
  title: 'CIFAR-100',
  archiveName: 'cifar-100-binary.tar.gz',
  labelBytes: 2,
  classes: 100,
  coarseClasses: 20,
  isTrainFile: (base) => base === 'train.bin',
  fullTrainFiles: 1,
  testFile: 'test.bin',
  classNamesFile: 'fine_label_names.txt',
  coarseNamesFile: 'coarse_label_names.txt',
  defaultClassNames: CIFAR100_CLASS_NAMES,
  defaultCoarseNames: CIFAR100_COARSE_NAMES,
  trainFilesText: 'train.bin',
  trainFileLabel: 'train.bin',
  labelWord: 'fine label',
  wrongLabelHint: '',
};

/** Bytes per record: coarse label + fine label + 3·32·32 pixels. */
export const CIFAR100_RECORD_BYTES = recordBytes(CIFAR100_FORMAT);

/**
 * Parses CIFAR-100's binary version (train.bin, test.bin, the name lists, or the .tar.gz).
 * @throws DatasetError naming the file and the problem.
 */
export function loadCifar100FromFiles(files: InputFile[], options: CifarLoadOptions = {}): Dataset {
  return loadCifarFromFiles(files, [CIFAR100_FORMAT], options);
}
