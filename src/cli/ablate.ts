/**
 * Node runner for ablation plans:
 * `npm run ablate -- --plan plan.json [--data path] [--out results.json] [--shard k/n]`.
 * Lists the planned runs with a time estimate, runs them one after another with the same
 * engine as the browser, and writes the lab's export (docs/export-format.md) after every run,
 * so a large plan can be split over machines and the files imported together in the lab.
 * The plan file is a plan (as the lab's "Download plan" writes it) or a lab export holding one.
 */
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { formatDuration } from '../data/format';
import { estimatePlan, trainImagesFor } from '../engine/lab/estimate';
import type { Plan } from '../engine/lab/plan';
import { validatePlan } from '../engine/lab/validatePlan';
import { runAblation, runsToDo } from '../node/runAblation';
import { abortOnInterrupt, formatEvent, loadDataset, nodeEnvironment, readJsonFile, runMain, startBackend } from './common';

const USAGE = `usage: npm run ablate -- --plan plan.json [--data path] [--out results.json] [--shard k/n] [--backend auto|webgpu|cpu] [--dry-run]
  --plan     ablation plan JSON (the lab's "Download plan"), or a lab export that holds one
  --data     CIFAR-10/100 binary: the .tar.gz, its folder, or a .bin file (default: the embedded synthetic set)
  --out      where to write the export (default: ablation-results.json); rewritten after every run
  --shard    run only part k of n of the plan (every n-th run from the k-th), e.g. 2/3
  --dry-run  list the runs and the estimate, train nothing`;

async function loadPlan(path: string): Promise<Plan> {
  const data = await readJsonFile(path);
  const candidate = typeof data === 'object' && data !== null && 'format' in data && 'plan' in data ? (data as { plan: unknown }).plan : data;
  try {
    return validatePlan(candidate);
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new Error(`--shard ${text}: expected k/n with 1 ≤ k ≤ n, e.g. 2/3`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
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
  const shard = parseShard(values.shard);
  const dataset = await loadDataset(values.data, plan.baseline.data.dataset);
  const todo = runsToDo(plan, shard);
  const sizes = { trainCount: dataset.train.count, testCount: dataset.test?.count ?? 0 };
  const estimate = estimatePlan(todo, (c) => trainImagesFor(c, sizes), []);
  console.log(`plan "${plan.name}" (${plan.mode}): ${todo.length} run${todo.length === 1 ? '' : 's'}${shard ? ` (part ${shard.index} of ${shard.count})` : ''}, about ${formatDuration(estimate.totalSeconds)} (${estimate.note})`);
  for (const r of todo) console.log(`  ${r.key.padEnd(8)} ${r.label} (seed ${r.seed})`);
  if (values['dry-run']) return 0;

  const backend = await startBackend(plan.baseline.run.backend);
  const out = values.out as string;
  const result = await runAblation({
    plan,
    dataset,
    environment: nodeEnvironment(backend),
    shard,
    idPrefix: `node-${hostname()}`,
    signal: abortOnInterrupt('the plan'),
    onRunStart: (r, i, n) => console.log(`\n[${i}/${n}] ${r.label}, seed ${r.seed}`),
    onEvent: (e) => {
      if (e.kind === 'epoch') console.log(formatEvent(e));
    },
    onProgress: (exported) => writeFile(out, JSON.stringify(exported, null, 2)),
  });
  const failed = result.runs.filter((r) => r.result.status === 'failed');
  console.log(`\n${result.runs.length} of ${todo.length} runs written to ${out}${failed.length ? `; ${failed.length} failed: ${failed.map((r) => `${r.planKey} (${r.result.message})`).join('; ')}` : ''}`);
  return failed.length > 0 ? 1 : 0;
}

runMain(main);
