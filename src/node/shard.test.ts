/** Sharding a plan over machines: every planned run exactly once for any N, by hand, Kubernetes or Slurm. */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import { createPlan, expandPlan, shardRuns } from '../engine/lab/plan';
import { resolveShard } from './shard';

// 4 configs (baseline + 3 tricks alone) × 5 seeds = 20 runs.
const plan = createPlan(makeConfig({ name: 'base' }), { tricks: ['labelSmoothing', 'mixup', 'cosineSchedule'], seeds: [1, 2, 3, 4, 5] });
const keys = expandPlan(plan).runs.map((r) => r.key);

/** The plan keys every part runs, joined: each part resolved from its own environment. */
function union(n: number, envOf: (part: number) => Record<string, string>, shards?: string): string[] {
  const out: string[] = [];
  for (let part = 0; part < n; part++) {
    const shard = resolveShard('auto', shards, envOf(part));
    if (!shard) throw new Error('no shard');
    out.push(...shardRuns(expandPlan(plan).runs, shard.index, shard.count).map((r) => r.key));
  }
  return out;
}

describe('resolveShard and shardRuns', () => {
  it('cover every planned run exactly once for N = 1…25 (more parts than runs too)', () => {
    expect(keys).toHaveLength(20);
    for (let n = 1; n <= 25; n++) {
      const byHand = Array.from({ length: n }, (_, k) => shardRuns(keys, resolveShard(`${k + 1}/${n}`, undefined, {})?.index ?? 0, n)).flat();
      const k8s = union(n, (i) => ({ JOB_COMPLETION_INDEX: String(i) }), String(n));
      const slurm0 = union(n, (i) => ({ SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: String(n) }));
      // --array=1-n, and --array=10-…:5 (ids 10, 15, 20, …).
      const slurm1 = union(n, (i) => ({ SLURM_ARRAY_TASK_ID: String(i + 1), SLURM_ARRAY_TASK_COUNT: String(n), SLURM_ARRAY_TASK_MIN: '1' }));
      const stepped = union(n, (i) => ({ SLURM_ARRAY_TASK_ID: String(10 + 5 * i), SLURM_ARRAY_TASK_COUNT: String(n), SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '5' }));
      for (const parts of [byHand, k8s, slurm0, slurm1, stepped]) expect([...parts].sort(), `N = ${n}`).toEqual([...keys].sort());
    }
  });

  it('maps the schedulers\' indices to parts: Kubernetes 0-based, Slurm from its first task', () => {
    expect(resolveShard('auto', '4', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 4 });
    expect(resolveShard('auto', '4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 4, count: 4 });
    expect(resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 7, count: 8 });
    expect(resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '20', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '10' })).toEqual({ index: 3, count: 3 });
    expect(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '2' })).toBeUndefined();
    expect(resolveShard('2/3', undefined, {})).toEqual({ index: 2, count: 3 });
  });

  it('refuses what cannot be a part, naming the flag or variable', () => {
    expect(() => resolveShard('auto', undefined, {})).toThrow(/neither JOB_COMPLETION_INDEX .* nor SLURM_ARRAY_TASK_ID/);
    expect(() => resolveShard('auto', undefined, { JOB_COMPLETION_INDEX: '1' })).toThrow(/needs --shards N/);
    expect(() => resolveShard('auto', '4', { JOB_COMPLETION_INDEX: '4' })).toThrow(/part 5 of 4 is outside 1\.\.4/);
    expect(() => resolveShard('auto', 'x', { JOB_COMPLETION_INDEX: '1' })).toThrow(/--shards=x: expected an integer/);
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '1' })).toThrow(/SLURM_ARRAY_TASK_COUNT is not/);
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '5' })).toThrow(/part 3 of 3|not in the array/);
    expect(() => resolveShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '11', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_STEP: '5' })).toThrow(/not in the array/);
    expect(() => resolveShard('4/3', undefined, {})).toThrow(/--shard 4\/3: expected k\/n/);
    expect(() => resolveShard('1/3', '3', {})).toThrow(/--shards goes with --shard auto/);
    expect(() => resolveShard(undefined, '3', {})).toThrow(/--shards N goes with --shard auto/);
  });
});
