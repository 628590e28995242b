/**
 * The dataset importer as a fuzz target (test-only): loadAnyCifarFromFiles on one file, with
 * what it returns checked against the Dataset type's promises and the bytes it was given shown
 * to be unchanged afterwards (the importer is pure: it returns a value and writes nothing).
 * A broken promise is thrown as a plain Error, which the harness counts as a crash.
 */
import { loadAnyCifarFromFiles } from '../../../src/engine/data/cifar';
import type { CifarLoadOptions } from '../../../src/engine/data/cifarBinary';
import { DatasetError, IMAGE_BYTES, type Dataset, type ImageSplit } from '../../../src/engine/data/types';
import { fuzzOne, type FuzzOutcome, type FuzzTally } from './harness';

/** FNV-1a of the bytes: cheap proof that an input was not written to. */
export function fingerprint(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function checkSplit(split: ImageSplit, classes: number, where: string): void {
  const ok =
    split.count > 0 &&
    split.labels.length === split.count &&
    split.images.length === split.count * IMAGE_BYTES &&
    split.labels.every((l) => l < classes) &&
    (split.coarseLabels === undefined || (split.coarseLabels.length === split.count && split.coarseLabels.every((c) => c < 20)));
  if (!ok) throw new Error(`malformed ${where} split`);
}

/** The importer on files, its output checked and its inputs shown to be unchanged. */
export function loadChecked(files: { name: string; bytes: Uint8Array }[], options: CifarLoadOptions = {}): Dataset {
  const before = files.map((f) => fingerprint(f.bytes));
  let outcome: { dataset: Dataset } | { error: unknown };
  try {
    outcome = { dataset: loadAnyCifarFromFiles(files, options) };
  } catch (error) {
    outcome = { error };
  }
  const changed = files.find((f, i) => fingerprint(f.bytes) !== before[i]);
  if (changed) throw new Error(`the importer changed the bytes of ${changed.name}`);
  if ('error' in outcome) throw outcome.error;
  const d = outcome.dataset;
  checkSplit(d.train, d.classNames.length, 'train');
  if (d.test) checkSplit(d.test, d.classNames.length, 'test');
  const classes = d.id === 'cifar100' ? 100 : 10;
  if (d.classNames.length !== classes || d.classNames.some((n) => typeof n !== 'string') || d.name === '') throw new Error('malformed dataset');
  return d;
}

/** One file through the checked importer, recorded in `tally`; refusals must name the file. */
export function fuzzDatasetFile(
  tally: FuzzTally, label: string, name: string, bytes: Uint8Array, options?: CifarLoadOptions, maxMs?: number,
): FuzzOutcome<Dataset> | null {
  return fuzzOne(tally, label, () => loadChecked([{ name, bytes }], options), { ownError: DatasetError, mentions: name, maxMs });
}
