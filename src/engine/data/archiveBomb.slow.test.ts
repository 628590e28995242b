/**
 * Gzip bombs against the dataset importer at its real cap (400 MB unpacked, all files
 * together): each is refused with a message naming the file, in bounded time, and resident
 * memory never rises more than the cap plus a margin above what the process held before the
 * first bomb (sampled from another thread, so memory freed before the importer returns still
 * counts). Without the cap, the 1 GiB bomb would need a gigabyte or more.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipBomb, multiMemberBomb } from '../../../test/support/fuzz/bombs';
import { loadChecked } from '../../../test/support/fuzz/datasetTarget';
import { measurePeakRss } from '../../../test/support/fuzz/peakRss';
import { MAX_DECOMPRESSED_BYTES } from './archive';
import { CIFAR10_RECORD_BYTES } from './cifar10';
import { tarEntry } from '../../../test/support/testFixtures';
import { DatasetError } from './types';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const START_MiB = process.memoryUsage.rss() / MiB;
/**
 * Resident memory allowed above START_MiB: the cap, plus fflate's buffers (it grows a buffer by
 * doubling to hold each 16 KB push's output, up to 16 MB for a bomb, then copies it out) and
 * garbage the collector has not yet freed. Measured: 520 to 560 MiB; without the cap, over 1,024.
 */
const MEMORY_BOUND_MiB = MAX_DECOMPRESSED_BYTES / MiB + 256;
/**
 * CPU time allowed (user + system, this process), rather than wall time, which other processes
 * stretch: refusing the 1 GiB bomb inflates 400 MB, measured at 2 s of CPU on an idle 2-core
 * machine and 7 s on one running a dozen other jobs. This bound catches a hang; the memory
 * bound is the one that would fail first without the cap.
 */
const CPU_BOUND_MS = 15_000;

/** Loads the files under the sampler; returns the DatasetError's message, CPU and wall time, and memory. */
async function refusal(files: { name: string; bytes: Uint8Array }[], maxDecompressedBytes?: number) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const { error, peakMiB } = await measurePeakRss(() => loadChecked(files, { maxDecompressedBytes }));
  const used = process.cpuUsage(cpu);
  const r = { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start, aboveStartMiB: peakMiB - START_MiB };
  expect(error).toBeInstanceOf(DatasetError);
  const what = `${files[0].name}${files.length > 1 ? ` and ${files.length - 1} more` : ''}`;
  console.log(`${what}: refused after ${Math.round(r.cpuMs)} ms CPU (${Math.round(r.wallMs)} ms wall); resident memory peaked ${Math.round(r.aboveStartMiB)} MiB above the start`);
  return { message: (error as Error).message, ...r };
}

describe('gzip bombs', () => {
  it('the test bombs are valid gzip (node:zlib checks their CRC)', () => {
    expect(gunzipSync(gzipBomb(2 * MiB + 5, Uint8Array.of(7))).length).toBe(2 * MiB + 6);
    expect(gunzipSync(multiMemberBomb(2)).length).toBe(2 * MiB);
  });

  it('1 GiB of zeros in one gzip member (1 MB on the wire) stops at the 400 MB cap', async () => {
    const bomb = gzipBomb(GiB);
    expect(bomb.length).toBeLessThan(1.1 * MiB);
    const r = await refusal([{ name: 'cifar-10-binary.tar.gz', bytes: bomb }]);
    expect(r.message).toBe('cifar-10-binary.tar.gz unpacks to more than 400 MB, more than any CIFAR-10/100 download; refusing to unpack it further.');
    expect(r.cpuMs).toBeLessThan(CPU_BOUND_MS);
    expect(r.aboveStartMiB).toBeLessThan(MEMORY_BOUND_MiB);
  });

  it('three files each under the cap but over it together (valid all-black CIFAR-10 records) stop at the cap', async () => {
    // Regression: the cap was per file, so n such files took n × 300 MiB, and as many again parsed.
    const records = Math.floor((300 * MiB) / CIFAR10_RECORD_BYTES);
    const bomb = gzipBomb(records * CIFAR10_RECORD_BYTES);
    const r = await refusal([1, 2, 3].map((n) => ({ name: `data_batch_${n}.bin.gz`, bytes: bomb })));
    expect(r.message).toBe(
      'data_batch_2.bin.gz unpacks to more than 100 MB; with the files before it that is more than 400 MB, more than any CIFAR-10/100 download; refusing to unpack it further.',
    );
    expect(r.cpuMs).toBeLessThan(CPU_BOUND_MS);
    expect(r.aboveStartMiB).toBeLessThan(MEMORY_BOUND_MiB);
  });

  it('a bomb behind a tar header, and a multi-member bomb, stop at a 16 MiB cap', async () => {
    const header = tarEntry('cifar-10-batches-bin/data_batch_1.bin', new Uint8Array(0)).subarray(0, 512);
    const tarBomb = await refusal([{ name: 'cifar-10-binary.tar.gz', bytes: gzipBomb(GiB, header) }], 16 * MiB);
    expect(tarBomb.message).toMatch(/^cifar-10-binary\.tar\.gz unpacks to more than 16 MB,/);
    const members = await refusal([{ name: 'members.tar.gz', bytes: multiMemberBomb(64) }], 16 * MiB);
    expect(members.message).toMatch(/^members\.tar\.gz unpacks to more than 16 MB,/);
    for (const r of [tarBomb, members]) expect(r.cpuMs).toBeLessThan(1000);
  });

  it('a small file whose trailer claims 4 GiB is refused without touching the memory it claims', async () => {
    const junk = gzipBomb(0, new Uint8Array(400 * 1024).map((_, i) => (i * 2654435761) >>> 24));
    junk.set([0xff, 0xff, 0xff, 0xff], junk.length - 4);
    const r = await refusal([{ name: 'liar.tar.gz', bytes: junk }]);
    // The size in the trailer is wrong, so the file reads as cut short.
    expect(r.message).toBe('liar.tar.gz ends in the middle of its compressed data: it looks truncated (an interrupted download?).');
    expect(r.cpuMs).toBeLessThan(1000);
  });
});
