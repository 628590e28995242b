/**
 * Node only: epoch checkpoints of `npm run ablate` on disk, one file per planned run
 * (`<dir>/<planKey>.ckpt`, v8's structured-clone serialisation, which keeps the Float32Arrays).
 * Written to a temporary file and renamed, so a process killed mid-write leaves the previous
 * checkpoint whole; a pre-empted machine loses at most the epoch in progress.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Checkpoint } from '../engine/train/checkpoint';
import type { CheckpointStore } from './runAblation';
import { errorMessage } from '../engine/errorMessage';

const isMissing = (err: unknown) => (err as { code?: string }).code === 'ENOENT';

/** A CheckpointStore in `dir` (created on the first save). */
export function checkpointFiles(dir: string): CheckpointStore {
  const file = (key: string) => {
    if (!/^[\w-]+$/.test(key)) throw new Error(`checkpoint key '${key}' is not a plan key (g<group>-s<seed>)`);
    return join(dir, `${key}.ckpt`);
  };
  return {
    async load(key) {
      let bytes: Buffer;
      try {
        bytes = await readFile(file(key));
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
      try {
        return deserialize(bytes) as Checkpoint;
      } catch (err) {
        throw new Error(`${file(key)} is not a readable checkpoint (${errorMessage(err)}); delete it to restart that run`);
      }
    },
    async save(key, checkpoint) {
      await mkdir(dir, { recursive: true });
      const tmp = `${file(key)}.${process.pid}.tmp`;
      await writeFile(tmp, serialize(checkpoint));
      await rename(tmp, file(key));
    },
    async remove(key) {
      await rm(file(key), { force: true });
    },
  };
}
