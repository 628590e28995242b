/**
 * The data a plan trains on. A plan records the dataset loaded when it was made (its id, name
 * and split sizes), so a shared link or an export says what its runs learnt from, and a plan
 * made for one set is not queued on another by accident. Two sets are the same when their id
 * and both split sizes agree (the name says where a copy came from, not what it holds).
 */
import type { DatasetId } from '../config';

const DATASET_IDS: readonly DatasetId[] = ['synthetic', 'cifar10', 'cifar100'];

export interface PlanDataset {
  id: DatasetId;
  name: string;
  trainCount: number;
  /** 0 when the set has no test split (a seeded split of train is held out). */
  testCount: number;
}

/** The loaded dataset as a plan records it (extra fields such as class names are left out). */
export function planDatasetOf(info: PlanDataset): PlanDataset {
  return { id: info.id, name: info.name, trainCount: info.trainCount, testCount: info.testCount };
}

export function sameDataset(a: PlanDataset, b: PlanDataset): boolean {
  return a.id === b.id && a.trainCount === b.trainCount && a.testCount === b.testCount;
}

/** "CIFAR-10 (50,000 training, 10,000 test images)". */
export function describeDataset(d: PlanDataset): string {
  const test = d.testCount > 0 ? `${d.testCount.toLocaleString('en')} test images` : 'no test split';
  return `${d.name} (${d.trainCount.toLocaleString('en')} training, ${test})`;
}

/** Why the plan cannot be queued on `loaded`, or null when it records no dataset or this one. */
export function datasetMismatch(recorded: PlanDataset | null | undefined, loaded: PlanDataset): string | null {
  if (!recorded || sameDataset(recorded, loaded)) return null;
  return `This plan was made for ${describeDataset(recorded)}, but ${describeDataset(loaded)} is loaded. Load ${recorded.name} in the planner, or plan for the loaded set.`;
}

/** For `npm run ablate`, which trains on the set it is given: a note when that is not the recorded one. */
export function otherDatasetNote(recorded: PlanDataset | null | undefined, loaded: PlanDataset): string | null {
  if (!recorded || sameDataset(recorded, loaded)) return null;
  return `the plan was made for ${describeDataset(recorded)}; these runs train on ${describeDataset(loaded)}`;
}

/**
 * The recorded dataset after the loaded one changed from `previous` to `loaded`: a plan with
 * none, or with the one that was loaded, follows the new set; a plan made for another set (from
 * a link or a file) keeps it, so the mismatch stays visible.
 */
export function followDataset(recorded: PlanDataset | null | undefined, previous: PlanDataset | null, loaded: PlanDataset | null): PlanDataset | null | undefined {
  if (!loaded || (recorded && sameDataset(recorded, loaded))) return recorded;
  if (!recorded || (previous && sameDataset(recorded, previous))) return planDatasetOf(loaded);
  return recorded;
}

/** Checks a recorded dataset from outside (link, file); returns an error message, or null when valid. */
export function planDatasetProblem(value: unknown): { field: string; message: string } | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return { field: 'dataset', message: 'must be null or { id, name, trainCount, testCount }' };
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!['id', 'name', 'trainCount', 'testCount'].includes(key)) return { field: `dataset.${key}`, message: 'unknown key' };
  if (!DATASET_IDS.includes(v.id as DatasetId)) return { field: 'dataset.id', message: `must be one of ${DATASET_IDS.join(', ')} (got ${JSON.stringify(v.id)})` };
  if (typeof v.name !== 'string' || v.name.length === 0 || v.name.length > 200) return { field: 'dataset.name', message: 'must be a string of 1 to 200 characters' };
  for (const key of ['trainCount', 'testCount'] as const) {
    const n = v[key];
    const min = key === 'trainCount' ? 1 : 0;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > 1e8) return { field: `dataset.${key}`, message: `must be a whole number from ${min} to 100000000` };
  }
  return null;
}
