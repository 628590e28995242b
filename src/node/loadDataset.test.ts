import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gzipSync } from 'fflate';
import { parseTar } from 'nanotar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cifarSample } from '../../test/support/cifarSample';
import { makeCifar100Records, makeRecords, PATTERN, tarEntry, tarOf } from '../../test/support/testFixtures';
import { DatasetError, type Dataset } from '../engine/data/types';
import { loadDatasetFromPath } from './loadDataset';

const sample = cifarSample();
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

async function errorOf(load: Promise<unknown>): Promise<string> {
  try {
    await load;
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as Error).message;
  }
  throw new Error('expected a DatasetError');
}

describe('loadDatasetFromPath', () => {
  let dir: string; // temp: <dir>/cifar-10-batches-bin/{data_batch_1.bin, batches.meta.txt}
  let fromArchive: Dataset;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tricklab-data-'));
    // Extract with node:zlib and nanotar, independently of the loader under test.
    const tar = gunzipSync(sample.bytes);
    mkdirSync(join(dir, 'cifar-10-batches-bin'));
    for (const entry of parseTar(tar.buffer.slice(tar.byteOffset, tar.byteOffset + tar.byteLength))) {
      if (entry.data) writeFileSync(join(dir, entry.name), entry.data);
    }
    fromArchive = await loadDatasetFromPath(sample.path);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`loads the .tar.gz sample: ${sample.trainCount} images, class names, first record`, () => {
    expect(fromArchive.train.count).toBe(sample.trainCount);
    expect(fromArchive.test).toBeNull();
    expect(fromArchive.classNames[4]).toBe('deer');
    if (sample.source === 'env') return; // the first record below is read from the shared sample and the fixture
    expect(fromArchive.train.labels[0]).toBe(4);
    expect([...fromArchive.train.images.subarray(0, 3)]).toEqual([51, 52, 34]);
  });

  it('loads the extracted folder, its parent and the bare .bin to the same bytes', async () => {
    for (const path of [join(dir, 'cifar-10-batches-bin'), dir, join(dir, 'cifar-10-batches-bin', 'data_batch_1.bin')]) {
      const d = await loadDatasetFromPath(path);
      expect(d.train.count).toBe(sample.trainCount);
      expect(same(d.train.images, fromArchive.train.images)).toBe(true);
      expect(same(d.train.labels, fromArchive.train.labels)).toBe(true);
    }
  });

  it('finds cifar-10-binary.tar.gz inside a folder', async () => {
    const folder = join(dir, 'downloads');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cifar-10-binary.tar.gz'), gzipSync(tarOf(tarEntry('cifar-10-batches-bin/data_batch_2.bin', makeRecords([6], PATTERN)))));
    writeFileSync(join(folder, 'notes.txt'), 'not read');
    const d = await loadDatasetFromPath(folder);
    expect([...d.train.labels]).toEqual([6]);
  });

  it('recognises CIFAR-100: the extracted cifar-100-binary folder, its parent, and the archive', async () => {
    const root = join(dir, 'c100');
    mkdirSync(join(root, 'cifar-100-binary'), { recursive: true });
    writeFileSync(join(root, 'cifar-100-binary', 'train.bin'), makeCifar100Records([[4, 0], [13, 99]], PATTERN));
    writeFileSync(join(root, 'cifar-100-binary', 'test.bin'), makeCifar100Records([[4, 53]], PATTERN));
    for (const path of [root, join(root, 'cifar-100-binary')]) {
      const d = await loadDatasetFromPath(path);
      expect(d.id).toBe('cifar100');
      expect(d.name).toBe('CIFAR-100');
      expect([...d.train.labels]).toEqual([0, 99]);
      expect([...d.train.coarseLabels!]).toEqual([4, 13]);
    }
    const archived = join(dir, 'c100-archive');
    mkdirSync(archived);
    writeFileSync(join(archived, 'cifar-100-binary.tar.gz'), gzipSync(tarOf(tarEntry('cifar-100-binary/train.bin', makeCifar100Records([[13, 99]], PATTERN)))));
    const d = await loadDatasetFromPath(archived);
    expect([d.id, d.name, d.train.labels[0]]).toEqual(['cifar100', 'CIFAR-100 (train, no test)', 99]);
  });

  it('explains a missing path, an empty folder and a bad file', async () => {
    expect(await errorOf(loadDatasetFromPath(join(dir, 'nope.tar.gz')))).toBe(`No file or folder at ${join(dir, 'nope.tar.gz')}.`);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'readme.html'), '<html>');
    expect(await errorOf(loadDatasetFromPath(empty))).toMatch(/^No CIFAR-10 or CIFAR-100 files in .*empty: expected data_batch_1\.bin/);
    const bad = join(dir, 'data_batch_1.bin.part');
    writeFileSync(bad, new Uint8Array(100));
    expect(await errorOf(loadDatasetFromPath(bad))).toMatch(/^data_batch_1\.bin\.part is not part of CIFAR-10's or CIFAR-100's binary version/);
  });
});
