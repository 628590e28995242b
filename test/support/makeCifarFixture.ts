/**
 * Makes test/fixtures/cifar10-mini.tar.gz, the committed stand-in for the shared CIFAR-10 sample:
 * the first PER_CLASS records of each class from the sample's data_batch_1.bin, in their original
 * order, with batches.meta.txt, in the official archive's layout. Byte-for-byte reproducible
 * (fixed tar mtime, gzip level 9), so running it again leaves git clean.
 *
 *   npx tsx test/support/makeCifarFixture.ts [path/to/cifar10-sample.tar.gz]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createTar, parseTar } from 'nanotar';
import { FIXTURE, SHARED_SAMPLE } from './cifarSample';

/** 20 per class: 200 real images, about 0.6 MB gzipped (real pixels barely compress). */
export const PER_CLASS = 20;
const RECORD = 3073;

/** The fixture's bytes from the sample's bytes. */
export function makeFixture(sampleGz: Uint8Array): Uint8Array {
  const files = parseTar(gunzipSync(sampleGz));
  const batch = files.find((f) => f.name.endsWith('data_batch_1.bin'))?.data;
  const meta = files.find((f) => f.name.endsWith('batches.meta.txt'))?.data;
  if (!batch || !meta) throw new Error('The sample lacks cifar-10-batches-bin/data_batch_1.bin or batches.meta.txt.');
  const taken = new Array<number>(10).fill(0);
  const records: Uint8Array[] = [];
  for (let at = 0; at + RECORD <= batch.length && records.length < 10 * PER_CLASS; at += RECORD) {
    const label = batch[at];
    if (taken[label] < PER_CLASS) {
      taken[label]++;
      records.push(batch.subarray(at, at + RECORD));
    }
  }
  if (records.length < 10 * PER_CLASS) throw new Error(`The sample holds fewer than ${PER_CLASS} images of some class.`);
  const data = new Uint8Array(records.length * RECORD);
  records.forEach((r, i) => data.set(r, i * RECORD));
  const attrs = { mtime: 0, uid: 0, gid: 0, user: '', group: '' };
  const tar = createTar([
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: meta, attrs },
    { name: 'cifar-10-batches-bin/data_batch_1.bin', data, attrs },
  ]);
  return new Uint8Array(gzipSync(tar, { level: 9 }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const source = process.argv[2] ?? SHARED_SAMPLE;
  const bytes = makeFixture(new Uint8Array(readFileSync(source)));
  writeFileSync(FIXTURE, bytes);
  console.log(`wrote ${FIXTURE} (${bytes.length} bytes) from ${source}`);
}
