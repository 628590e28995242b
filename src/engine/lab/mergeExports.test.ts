/** Joining shard exports: one file the lab imports, in plan order; mismatched plans and overlaps refused. */
import { describe, expect, it } from 'vitest';
import { fakeResult, labRun, testEnvironment, tinyConfig } from '../../../test/support/testRuns';
import { buildExport } from './exportFormat';
import { parseImport } from './importLab';
import { mergeExports } from './mergeExports';
import { createPlan, expandPlan, shardRuns, type Plan } from './plan';
import { summarise } from './summary';

const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1, 2] });
const when = new Date('2026-01-02T03:04:05Z');

/** The export shard k of n would write, with made-up accuracies (run i scores 0.5 + i/100). */
function shardFile(p: Plan, index: number, count: number, name = `part${index}.json`): { name: string; text: string } {
  const runs = shardRuns(expandPlan(p).runs, index, count).map((r) =>
    labRun(`m${index}-${r.key}`, r.config, fakeResult(r.config, 0.5 + r.seed / 100 + r.group / 10), { planKey: r.key, reference: r.group === 0 }),
  );
  return { name, text: JSON.stringify(buildExport(p, runs, { backend: testEnvironment.backend, userAgent: 'node', runtime: 'node' }, when)) };
}

describe('mergeExports', () => {
  it('joins the shards into one export, in plan order, that imports as one file', () => {
    // Plan order is seed-major: g0-s1, g1-s1, g0-s2, g1-s2; part 1 of 2 holds g0-s1 and g0-s2.
    const { merged, missing } = mergeExports([shardFile(plan, 2, 2), shardFile(plan, 1, 2)], when);
    expect(missing).toEqual([]);
    expect(merged.runs.map((r) => [r.planKey, r.id])).toEqual([['g0-s1', 'm1-g0-s1'], ['g1-s1', 'm2-g1-s1'], ['g0-s2', 'm1-g0-s2'], ['g1-s2', 'm2-g1-s2']]);
    const imported = parseImport(JSON.stringify(merged), 'merged.json');
    expect(imported.plan).toEqual(plan);
    const rows = summarise(imported.runs);
    expect(rows.map((r) => [r.counts.finished, r.seeds])).toEqual([[2, [1, 2]], [2, [1, 2]]]);
    // The merged file's own results table covers both shards: every seed paired.
    expect(merged.summary?.map((c) => c.seedStatus)).toEqual(['2 of 2 seeds finished', '2 of 2 seeds finished']);
    expect(merged.summary?.[1].delta?.n).toBe(2);
  });

  it('reports the planned runs no file holds', () => {
    const { merged, missing } = mergeExports([shardFile(plan, 1, 3), shardFile(plan, 3, 3)], when);
    // Part 2 of 3 (g1-s1) is absent.
    expect(missing).toEqual(['g1-s1']);
    expect(merged.runs.map((r) => r.planKey)).toEqual(['g0-s1', 'g0-s2', 'g1-s2']);
  });

  it('refuses files of different plans, naming the file and what differs', () => {
    const other = { ...plan, seeds: [1, 2, 3] };
    expect(() => mergeExports([shardFile(plan, 1, 2), shardFile(other, 2, 2, 'other.json')], when)).toThrow(
      /merge: other\.json is the export of another plan than part1\.json \(they differ in seeds\)/,
    );
    const renamed = { ...plan, name: 'x', baseline: { ...plan.baseline, optim: { ...plan.baseline.optim, lr: 0.2 } } };
    expect(() => mergeExports([shardFile(plan, 1, 2), shardFile(renamed, 2, 2, 'b.json')], when)).toThrow(/differ in name, baseline\)/);
  });

  it('refuses a planned run held by two files, a plan-less file and a run result', () => {
    const a = shardFile(plan, 1, 2);
    const again = { name: 'copy.json', text: a.text.replaceAll('"m1-', '"m9-') };
    expect(() => mergeExports([a, again], when)).toThrow(/planned run g0-s1 is in both part1\.json and copy\.json \(ids m1-g0-s1, m9-g0-s1\)/);
    const planless = { name: 'lab.json', text: JSON.stringify({ ...JSON.parse(a.text), plan: null }) };
    expect(() => mergeExports([a, planless], when)).toThrow(/lab\.json holds no plan/);
    const result = { name: 'run.json', text: JSON.stringify(fakeResult(tinyConfig, 0.5)) };
    expect(() => mergeExports([result], when)).toThrow(/run\.json is one run's results, not a lab export/);
    expect(() => mergeExports([{ name: 'bad.json', text: '{' }], when)).toThrow(/bad\.json was not imported: it is not valid JSON/);
    expect(() => mergeExports([], when)).toThrow(/at least one file/);
  });

  it('keeps one copy of a file given twice', () => {
    const a = shardFile(plan, 1, 2);
    expect(mergeExports([a, a, shardFile(plan, 2, 2)], when).merged.runs).toHaveLength(4);
  });
});
