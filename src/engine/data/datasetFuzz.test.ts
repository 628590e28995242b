/**
 * Hostile-input fuzzing of the dataset importer (loadAnyCifarFromFiles: gzip, tar, CIFAR-10/100
 * records), seeded so every input is reproducible. Each input must either parse into a
 * well-formed dataset or be refused with a DatasetError naming the file, within the time limit,
 * without changing the bytes it was given; no other error type (TypeError, RangeError) may
 * escape. The gzip bomb and memory bounds are in archiveBomb.slow.test.ts.
 */
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { fuzzDatasetFile as fuzzFile, loadChecked } from '../../../test/support/fuzz/datasetTarget';
import { fuzzSuite } from '../../../test/support/fuzz/harness';
import { mutateBytes, pick, randomBytes, truncationPoints } from '../../../test/support/fuzz/mutate';
import { createRng } from '../rng';
import { gunzipBounded } from './archive';
import { CIFAR10_CLASS_NAMES } from './cifar10';
import { CIFAR100_CLASS_NAMES, CIFAR100_COARSE_NAMES } from './cifar100';
import { cifarSample } from '../../../test/support/cifarSample';
import { makeCifar100Records, makeRecords, PATTERN, tarEntry, tarOf } from '../../../test/support/testFixtures';

const text = (s: string) => new TextEncoder().encode(s);
const batch = (labels: number[], seed: number) => makeRecords(labels, (r, c, p) => PATTERN(r + seed, c, p));

const tar10 = tarOf(
  tarEntry('cifar-10-batches-bin/data_batch_1.bin', batch([3, 7, 9], 0)),
  tarEntry('cifar-10-batches-bin/test_batch.bin', batch([1], 5)),
  tarEntry('cifar-10-batches-bin/batches.meta.txt', text(CIFAR10_CLASS_NAMES.join('\n') + '\n')),
  tarEntry('cifar-10-batches-bin/readme.html', text('<html>')),
);
const tar100 = tarOf(
  tarEntry('cifar-100-binary/train.bin', makeCifar100Records([[4, 0], [13, 99], [4, 53]], PATTERN)),
  tarEntry('cifar-100-binary/test.bin', makeCifar100Records([[13, 99]], PATTERN)),
  tarEntry('cifar-100-binary/fine_label_names.txt', text(CIFAR100_CLASS_NAMES.join('\n'))),
  tarEntry('cifar-100-binary/coarse_label_names.txt', text(CIFAR100_COARSE_NAMES.join('\n'))),
);

/** Valid files a user could hand over: the fuzz starts from these. */
const SEEDS: { name: string; bytes: Uint8Array }[] = [
  { name: 'cifar-10-binary.tar.gz', bytes: gzipSync(tar10) },
  { name: 'cifar-10-binary.tar', bytes: tar10 },
  { name: 'data_batch_2.bin', bytes: batch([0, 9], 3) },
  { name: 'data_batch_5.bin.gz', bytes: gzipSync(batch([4, 4, 2], 8)) },
  { name: 'cifar-100-binary.tar.gz', bytes: gzipSync(tar100) },
];

/** File names the random inputs go under: official ones, near misses and hostile ones. */
const NAMES = [
  'cifar-10-binary.tar.gz', 'cifar-100-binary.tar.gz', 'x.tar', 'x.tgz', 'data_batch_1.bin', 'train.bin', 'test.bin',
  'test_batch.bin', 'batches.meta.txt', 'fine_label_names.txt', 'data_batch_3.bin.gz', 'photo.jpg', '.DS_Store',
  'readme.html', '../data_batch_1.bin', '<img src=x onerror=alert(1)>.tar.gz', '__proto__',
];

const { track } = fuzzSuite(5000);

describe('dataset importer fuzz', () => {
  it('every seed parses', () => {
    for (const seed of SEEDS) expect(loadChecked([seed]).train.count).toBeGreaterThan(0);
  });

  it('random bytes, bare or behind a gzip signature, a tar header or real gzip', () => {
    const tally = track('dataset random');
    const rng = createRng(101);
    for (let i = 0; i < 600; i++) {
      const n = rng.int(4) === 0 ? 3073 * (1 + rng.int(3)) : rng.int(6000);
      let bytes = randomBytes(rng, n);
      const kind = rng.int(4);
      if (kind === 0 && n >= 4) bytes.set([0x1f, 0x8b, 0x08, rng.int(32)]);
      if (kind === 1) {
        const entry = tarEntry(pick(rng, NAMES), randomBytes(rng, rng.int(4000)), pick(rng, ['0', '0', 'L', 'x', '5', '2']));
        bytes = new Uint8Array([...entry, ...bytes]);
      }
      if (kind === 2) bytes = gzipSync(bytes);
      fuzzFile(tally, `#${i}`, pick(rng, NAMES), bytes);
    }
    expect(tally.crashes).toEqual([]);
    expect(tally.refused).toBeGreaterThan(550);
  });

  it('every seed truncated at many lengths', () => {
    const tally = track('dataset truncated');
    for (const seed of SEEDS) {
      for (const cut of truncationPoints(seed.bytes.length, 500)) {
        fuzzFile(tally, `${seed.name}[0:${cut}]`, seed.name, seed.bytes.subarray(0, cut));
      }
    }
    expect(tally.crashes).toEqual([]);
    // A plain tar cut after its last member's data still parses; every other cut is refused.
    expect(tally.refused).toBeGreaterThan(0.9 * tally.inputs);
  });

  it('every seed mutated (bit flips, byte insert/delete, splices), and tars mutated inside their gzip', () => {
    const tally = track('dataset mutated');
    const rng = createRng(202);
    for (const seed of SEEDS) {
      for (let i = 0; i < 400; i++) fuzzFile(tally, `${seed.name} mutation #${i}`, seed.name, mutateBytes(rng, seed.bytes));
    }
    // Mutating the compressed bytes mostly tests the inflater; recompressing a mutated tar
    // reaches the tar reader and the record checks behind a valid gzip.
    for (const [name, tar] of [['cifar-10-binary.tar.gz', tar10], ['cifar-100-binary.tar.gz', tar100]] as const) {
      for (let i = 0; i < 300; i++) fuzzFile(tally, `${name} inner mutation #${i}`, name, gzipSync(mutateBytes(rng, tar)));
    }
    expect(tally.crashes).toEqual([]);
    expect(tally.accepted).toBeGreaterThan(50);
    expect(tally.refused).toBeGreaterThan(1000);
    expect(tally.messageKinds.size).toBeGreaterThan(10);
  });

  it('real CIFAR-10: truncated, bit-flipped, and its tar headers mutated', () => {
    const tally = track('dataset real sample');
    const gz = cifarSample().bytes;
    const rng = createRng(303);
    const name = 'cifar-10-binary.tar.gz';
    // Unpacking the 29 MB sample takes 1 s of CPU on an idle machine (up to 7 s on a busy one):
    // a few inputs only, with a longer limit. Cutting it short is cheap: only the head is inflated.
    const limit = 15_000;
    for (const cut of [4096, Math.floor(gz.length / 2)]) fuzzFile(tally, `sample[0:${cut}]`, name, gz.subarray(0, cut), {}, limit);
    for (let i = 0; i < 2; i++) {
      const flipped = gz.slice();
      const at = 20 + rng.int(gz.length - 40);
      flipped[at] ^= 1 << rng.int(8);
      const outcome = fuzzFile(tally, `sample bit flip at ${at}`, name, flipped, {}, limit);
      // A flipped bit never passes: the CRC-32 check catches what the inflater does not.
      expect(outcome?.accepted).toBe(false);
    }
    const tar = gunzipBounded(gz, name);
    for (let i = 0; i < 4; i++) {
      const mutated = tar.slice();
      const at = rng.int(1536); // the first three 512-byte headers
      mutated[at] = rng.int(256);
      fuzzFile(tally, `sample tar header byte ${at}`, 'cifar-10-binary.tar', mutated, {}, limit);
    }
    expect(tally.crashes).toEqual([]);
  });
});

