/**
 * Finds real CIFAR-10 data for tests, so a plain clone passes and a machine with the big sample
 * tests on it: TRICK_LAB_CIFAR_SAMPLE (a .tar.gz in the official layout), then the shared
 * sample beside the repository (../shared/data/cifar10-sample.tar.gz, 10,000 images), then the
 * committed fixture (test/fixtures/cifar10-mini.tar.gz, 200 images made from that sample by
 * test/support/makeCifarFixture.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseTar } from 'nanotar';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHARED_SAMPLE = `${ROOT}../shared/data/cifar10-sample.tar.gz`;
export const FIXTURE = `${ROOT}test/fixtures/cifar10-mini.tar.gz`;

export interface CifarSample {
  /** Absolute path of the .tar.gz. */
  path: string;
  /** Where it came from: the variable, the shared folder, or the committed fixture. */
  source: 'env' | 'shared' | 'fixture';
  /** The archive's bytes. */
  bytes: Uint8Array;
  /** Training images in it, counted by node:zlib and nanotar (not the reader under test). */
  trainCount: number;
}

let found: CifarSample | undefined;

/** The first real CIFAR-10 sample that exists; a set variable naming a missing file is an error. */
export function cifarSample(env: Record<string, string | undefined> = process.env): CifarSample {
  if (env === process.env && found) return found;
  const named = env.TRICK_LAB_CIFAR_SAMPLE;
  if (named && !existsSync(named)) throw new Error(`TRICK_LAB_CIFAR_SAMPLE names ${named}, which does not exist; unset it to use ${FIXTURE}.`);
  const [path, source] = named ? [named, 'env' as const] : existsSync(SHARED_SAMPLE) ? [SHARED_SAMPLE, 'shared' as const] : [FIXTURE, 'fixture' as const];
  const bytes = new Uint8Array(readFileSync(path));
  const trainCount = parseTar(gunzipSync(bytes))
    .filter((f) => /data_batch_\d\.bin$/.test(f.name))
    .reduce((sum, f) => sum + (f.data?.length ?? 0) / 3073, 0);
  const sample = { path, source, bytes, trainCount };
  if (env === process.env) found = sample;
  return sample;
}
