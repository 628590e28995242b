/**
 * Node runner for ablation plans:
 * `npm run ablate -- --plan plan.json [--data path] [--out results.json] [--shard k/n|auto]`.
 * Lists the planned runs with a time estimate, runs them one after another with the same
 * engine as the browser, and writes the lab's export (docs/export-format.md) after every run,
 * so a large plan can be split over machines (by hand, a Kubernetes Indexed Job or a Slurm
 * array: src/node/shard.ts) and the files merged (`npm run ablate -- merge`, ablateMerge.ts).
 * Started again with the same --out, it keeps the runs that ended and continues the one it was
 * in from its last epoch checkpoint (kept in <out>.checkpoints/), so a pre-empted machine loses
 * at most an epoch. The plan file is a plan (the lab's "Download plan") or an export holding one.
 * A plan with a teacher trains it first for each seed and distils from it; the planner's notes
 * (what linear scaling's Δ measures here, a teacher that is not bigger) are printed first.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { formatDuration } from '../data/format';
import { estimatePlan, trainImagesFor } from '../engine/lab/estimate';
import { planNotes } from '../engine/lab/planNotes';
import type { Plan } from '../engine/lab/plan';
import { parseImport } from '../engine/lab/importLab';
import { describeDataset, otherDatasetNote } from '../engine/lab/planDataset';
import { validatePlan } from '../engine/lab/validatePlan';
import { checkpointFiles } from '../node/checkpointFiles';
import { runAblation, runsToDo } from '../node/runAblation';
import { resolveShard } from '../node/shard';
import { mergeMain } from './ablateMerge';
import { abortOnInterrupt, formatEvent, loadDataset, nodeEnvironment, readJsonFile, runMain, startBackend } from './common';
import { errorMessage } from '../engine/errorMessage';

const USAGE = `usage: npm run ablate -- --plan plan.json [--data path] [--out results.json] [--shard k/n|auto [--shards N]] [--backend auto|webgpu|cpu] [--dry-run]
       npm run ablate -- merge part1.json part2.json … --out merged.json
  --plan     ablation plan JSON (the lab's "Download plan"), or a lab export that holds one
  --data     CIFAR-10/100 binary: the .tar.gz, its folder, or a .bin file (default: the embedded synthetic set)
  --out      where to write the export (default: ablation-results.json); rewritten after every run.
             If it exists (an interrupted run of this plan), its ended runs are kept and the run
             in progress continues from its last epoch checkpoint (<out>.checkpoints/)
  --shard    run only part k of n of the plan (every n-th run from the k-th), e.g. 2/3; auto takes
             it from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N) or a Slurm
             array (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT)
  --dry-run  list the runs and the estimate, train nothing
  merge      join the shards' exports into one file the lab imports (refuses files of different plans)`;

async function loadPlan(path: string): Promise<Plan> {
  const data = await readJsonFile(path);
  const candidate = typeof data === 'object' && data !== null && 'format' in data && 'plan' in data ? (data as { plan: unknown }).plan : data;
  try {
    return validatePlan(candidate);
  } catch (err) {
    throw new Error(`${path}: ${errorMessage(err)}`);
  }
}

/** The export an earlier process left at `out` (to resume), or null. */
async function previousExport(out: string): Promise<ReturnType<typeof parseImport> | null> {
  if (!existsSync(out)) return null;
  return parseImport(await readFile(out, 'utf8'), out);
}

/** Writes through a temporary file and a rename, so a process killed mid-write leaves the old file whole. */
async function writeWhole(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function main(): Promise<number> {
  if (process.argv[2] === 'merge') return mergeMain(process.argv.slice(3));
  const { values } = parseArgs({
    options: {
      shards: { type: 'string' },
      plan: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string', default: 'ablation-results.json' },
      shard: { type: 'string' },
      backend: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.plan) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const plan = await loadPlan(values.plan);
  if (values.backend) plan.baseline.run.backend = validatePlan({ ...plan, baseline: { ...plan.baseline, run: { ...plan.baseline.run, backend: values.backend } } }).baseline.run.backend;
  const shard = resolveShard(values.shard, values.shards, process.env);
  // The set the plan records (made in the lab) says which data it wants; older plans, the baseline's.
  if (plan.dataset && plan.dataset.id !== 'synthetic' && !values.data) throw new Error(`the plan was made for ${describeDataset(plan.dataset)}: pass --data with its path`);
  const dataset = await loadDataset(values.data, plan.dataset?.id ?? plan.baseline.data.dataset);
  const todo = runsToDo(plan, shard);
  const sizes = { trainCount: dataset.train.count, testCount: dataset.test?.count ?? 0 };
  const estimate = estimatePlan(todo, (c) => trainImagesFor(c, sizes), []);
  console.log(`plan "${plan.name}" (${plan.mode}): ${todo.length} run${todo.length === 1 ? '' : 's'}${shard ? ` (part ${shard.index} of ${shard.count})` : ''}, about ${formatDuration(estimate.totalSeconds)} (${estimate.note})`);
  const otherData = otherDatasetNote(plan.dataset, { id: dataset.id, name: dataset.name, ...sizes });
  for (const note of [...(otherData ? [otherData] : []), ...planNotes(plan)]) console.log(`note: ${note}`);
  for (const r of todo) console.log(`  ${r.key.padEnd(8)} ${r.label} (seed ${r.seed})${r.teacherKey ? `, taught by ${r.teacherKey}` : ''}${r.exported ? '' : ' (a teacher of another part: trained here, not written)'}`);
  if (values['dry-run']) return 0;

  const out = values.out as string;
  const previous = await previousExport(out);
  if (previous) console.log(`${out} exists: keeping its ${previous.runs.filter((r) => r.status !== 'stopped').length} ended runs, resuming the rest from their checkpoints`);
  const backend = await startBackend(plan.baseline.run.backend);
  const result = await runAblation({
    plan,
    dataset,
    environment: nodeEnvironment(backend),
    shard,
    idPrefix: `node-${hostname()}`,
    signal: abortOnInterrupt('the plan'),
    previous: previous ?? undefined,
    checkpoints: checkpointFiles(`${out}.checkpoints`),
    onResume: (r, epoch) => console.log(`  resuming ${r.key} after epoch ${epoch} from its checkpoint`),
    onRunStart: (r, i, n) => console.log(`\n[${i}/${n}] ${r.label}, seed ${r.seed}`),
    onEvent: (e) => {
      if (e.kind === 'epoch') console.log(formatEvent(e));
    },
    onProgress: (exported) => writeWhole(out, JSON.stringify(exported, null, 2)),
  });
  const failed = result.runs.filter((r) => r.result.status === 'failed');
  console.log(`\n${result.runs.length} of ${todo.length} runs written to ${out}${failed.length ? `; ${failed.length} failed: ${failed.map((r) => `${r.planKey} (${r.result.message})`).join('; ')}` : ''}`);
  if (result.runs.some((r) => r.result.status === 'stopped')) {
    console.log('interrupted: the same command again (same --out) resumes from the last epoch checkpoint');
    return 3;
  }
  return failed.length > 0 ? 1 : 0;
}

runMain(main);
