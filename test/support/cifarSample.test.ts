/**
 * The test-data finder and the committed fixture: the variable wins, a missing file it names is
 * an error, and the fixture is 200 real images, 20 per class, the script's output from the
 * shared sample (checked where the sample is present).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCifar10FromFiles } from '../../src/engine/data/cifar10';
import { cifarSample, FIXTURE, SHARED_SAMPLE } from './cifarSample';
import { makeFixture, PER_CLASS } from './makeCifarFixture';

describe('cifarSample', () => {
  it('takes TRICK_LAB_CIFAR_SAMPLE first', () => {
    const sample = cifarSample({ TRICK_LAB_CIFAR_SAMPLE: FIXTURE });
    expect([sample.source, sample.path, sample.trainCount]).toEqual(['env', FIXTURE, 200]);
  });

  it('refuses a variable naming a missing file, saying what to do', () => {
    expect(() => cifarSample({ TRICK_LAB_CIFAR_SAMPLE: '/nowhere/x.tar.gz' })).toThrow(
      `TRICK_LAB_CIFAR_SAMPLE names /nowhere/x.tar.gz, which does not exist; unset it to use ${FIXTURE}.`,
    );
  });

  it('falls back to the shared sample, then the fixture', () => {
    const sample = cifarSample({});
    expect(sample.source).toBe(existsSync(SHARED_SAMPLE) ? 'shared' : 'fixture');
    if (sample.source === 'shared') expect(sample.trainCount).toBe(10000);
  });
});

describe('the committed fixture', () => {
  const bytes = new Uint8Array(readFileSync(FIXTURE));

  it('is well under 1 MB and holds 20 real images of each class', () => {
    expect(bytes.length).toBeLessThan(700_000);
    const dataset = loadCifar10FromFiles([{ name: 'cifar10-mini.tar.gz', bytes }]);
    const histogram = new Array(10).fill(0);
    for (const label of dataset.train.labels) histogram[label]++;
    expect(histogram).toEqual(new Array(10).fill(PER_CLASS));
    // The shared sample's record 0 (a deer whose top-left pixel is (51, 52, 34)) comes first.
    expect([dataset.train.labels[0], ...dataset.train.images.subarray(0, 3)]).toEqual([4, 51, 52, 34]);
  });

  it.skipIf(!existsSync(SHARED_SAMPLE))('is what makeCifarFixture.ts makes from the shared sample', () => {
    expect(Buffer.compare(makeFixture(new Uint8Array(readFileSync(SHARED_SAMPLE))), bytes)).toBe(0);
  });
});
