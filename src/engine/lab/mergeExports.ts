/**
 * Joins the exports of one plan's shards (`npm run ablate -- --shard k/n` on several machines)
 * into one export, so the lab imports a single file. Every file is checked as the lab's import
 * checks it (importLab.ts); the files must carry the same plan, and a planned run may appear in
 * only one of them. Runs come out in the plan's order; runs the plan lists but no file holds
 * are reported, not invented.
 */
import { canonicalJson } from '../canonicalJson';
import { EXPORT_SCHEMA_VERSION, exportSummary, type LabExport } from './exportFormat';
import { parseImport } from './importLab';
import { expandPlan, type Plan } from './plan';
import type { LabRun } from './types';

export interface ExportFile {
  /** Named in every message. */
  name: string;
  text: string;
}

export interface MergeResult {
  merged: LabExport;
  /** Plan keys (g<group>-s<seed>) that no file holds, in plan order. */
  missing: string[];
}

/** The top-level plan fields that differ between two plans, for the refusal message. */
function differingFields(a: Plan, b: Plan): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof Plan)[];
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

/** Merges shard exports of one plan; throws, naming the file, on a bad file or a mismatch. */
export function mergeExports(files: readonly ExportFile[], exportedAt: Date): MergeResult {
  if (files.length === 0) throw new Error('merge: give the shard exports to join (at least one file)');
  let plan: Plan | null = null;
  const byKey = new Map<string, { file: string; run: LabExport['runs'][number] }>();
  const unplanned: LabExport['runs'] = [];
  const ids = new Set<string>();
  const parsed = new Map<string, LabRun>();
  for (const file of files) {
    const imported = parseImport(file.text, file.name);
    for (const r of imported.runs) if (!parsed.has(r.id)) parsed.set(r.id, r);
    if (imported.kind !== 'lab-export') throw new Error(`merge: ${file.name} is one run's results, not a lab export; merge joins the exports of one plan's shards`);
    if (!imported.plan) throw new Error(`merge: ${file.name} holds no plan; only exports of a plan (npm run ablate, the lab's Export JSON) can be merged`);
    if (!plan) {
      plan = imported.plan;
    } else if (canonicalJson(plan) !== canonicalJson(imported.plan)) {
      throw new Error(`merge: ${file.name} is the export of another plan than ${files[0].name} (they differ in ${differingFields(plan, imported.plan).join(', ')}); only shards of one plan can be merged`);
    }
    // The raw runs, as written (non-finite metrics stay in the file's own encoding).
    const raw = JSON.parse(file.text) as LabExport;
    for (const run of raw.runs) {
      if (ids.has(run.id)) continue; // the same run in two files (a file given twice): keep one
      ids.add(run.id);
      if (run.planKey === null) {
        unplanned.push(run);
        continue;
      }
      const earlier = byKey.get(run.planKey);
      if (earlier) {
        throw new Error(`merge: planned run ${run.planKey} is in both ${earlier.file} and ${file.name} (ids ${earlier.run.id}, ${run.id}); were two machines given the same shard?`);
      }
      byKey.set(run.planKey, { file: file.name, run });
    }
  }
  const thePlan = plan as Plan;
  const order = expandPlan(thePlan).runs.map((r) => r.key);
  const stray = [...byKey.keys()].find((k) => !order.includes(k));
  if (stray) throw new Error(`merge: ${byKey.get(stray)?.file} holds run ${stray}, which the plan does not list`);
  const first = JSON.parse(files[0].text) as LabExport;
  const runs = [...order.flatMap((k) => byKey.get(k)?.run ?? []), ...unplanned];
  // The results table is recomputed over every shard's runs (each file's own covers only its shard).
  const merged: LabExport = {
    ...first,
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exportedAt: exportedAt.toISOString(),
    plan: thePlan,
    runs,
    summary: exportSummary(runs.map((r) => parsed.get(r.id)!)),
  };
  return { merged, missing: order.filter((k) => !byKey.has(k)) };
}
