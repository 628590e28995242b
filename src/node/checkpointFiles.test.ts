/** Epoch checkpoints on disk: a round trip keeps the Float32Arrays, a bad file is named, removal is quiet. */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../engine/train/checkpoint';
import { tinyConfig } from '../../test/support/testRuns';
import { checkpointFiles } from './checkpointFiles';

const checkpoint = {
  version: 1, config: tinyConfig, epoch: 3, globalStep: 30, imagesSeen: 480, elapsedSeconds: 12.5, startedAt: '2026-01-01T00:00:00.000Z',
  weights: [new Float32Array([1.5, -2, 3e-8])], optimizer: [new Float32Array([0.25])],
  rng: { data: { s: [1, 2, 3, 4] }, tricks: { s: [5, 6, 7, 8] } }, epochs: [], steps: [],
} as unknown as Checkpoint;

describe('checkpointFiles', () => {
  it('saves, loads and removes one file per plan key, leaving no temporary file', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'ckpt-')), 'results.json.checkpoints');
    const store = checkpointFiles(dir);
    expect(await store.load('g0-s1')).toBeNull();
    await store.save('g0-s1', checkpoint);
    await store.save('g0-s1', { ...checkpoint, epoch: 4 });
    expect(await readdir(dir)).toEqual(['g0-s1.ckpt']);
    const back = await store.load('g0-s1');
    expect(back?.epoch).toBe(4);
    expect(back?.weights[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(back?.weights[0] ?? [])).toEqual([1.5, -2, Math.fround(3e-8)]);
    expect(back?.config).toEqual(tinyConfig);
    await store.remove('g0-s1');
    await store.remove('g0-s1');
    expect(await readdir(dir)).toEqual([]);
  });

  it('names an unreadable file and refuses a key that is not a plan key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeFile(join(dir, 'g1-s2.ckpt'), 'not a checkpoint');
    await expect(checkpointFiles(dir).load('g1-s2')).rejects.toThrow(/g1-s2\.ckpt is not a readable checkpoint .*delete it to restart that run/);
    await expect(checkpointFiles(dir).save('../x', checkpoint)).rejects.toThrow(/checkpoint key '\.\.\/x' is not a plan key/);
  });
});
