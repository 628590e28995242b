/**
 * Which part of a plan this process runs: `--shard k/n` by hand, or `--shard auto` from the
 * scheduler that started it — a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based; the
 * number of parts from `--shards N`, as a pod is not told the Job's completions) or a Slurm
 * array (SLURM_ARRAY_TASK_ID among SLURM_ARRAY_TASK_COUNT tasks, which may start at
 * SLURM_ARRAY_TASK_MIN and step by SLURM_ARRAY_TASK_STEP, e.g. --array=1-8 or 0-30:10).
 * Part k of n is every n-th planned run from the k-th (shardRuns in engine/lab/plan.ts).
 */

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) throw new Error(`${name}=${text}: expected an integer ≥ ${min}`);
  return n;
}

function checked(shard: Shard, source: string): Shard {
  if (shard.index < 1 || shard.index > shard.count) throw new Error(`${source}: part ${shard.index} of ${shard.count} is outside 1..${shard.count}`);
  return shard;
}

/** Part of a Kubernetes Indexed Job: completion index i (0-based) of `--shards` parts. */
function fromKubernetes(env: Env, shards: string | undefined): Shard {
  const index = integer('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX as string, 0);
  if (shards === undefined) throw new Error('--shard auto in a Kubernetes Indexed Job needs --shards N (the Job\'s completions): a pod is not told how many there are');
  return checked({ index: index + 1, count: integer('--shards', shards, 1) }, `JOB_COMPLETION_INDEX=${index} with --shards ${shards}`);
}

/** Part of a Slurm job array: the task's position among the array's tasks. */
function fromSlurm(env: Env): Shard {
  const id = integer('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID as string, 0);
  if (env.SLURM_ARRAY_TASK_COUNT === undefined) throw new Error('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm 17.11 or later sets both)');
  const count = integer('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT, 1);
  const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : integer('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN, 0);
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : integer('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP, 1);
  if ((id - min) % step !== 0 || id < min) throw new Error(`SLURM_ARRAY_TASK_ID=${id} is not in the array ${min}..:${step}`);
  return checked({ index: (id - min) / step + 1, count }, `SLURM_ARRAY_TASK_ID=${id} of ${count} tasks`);
}

/**
 * The shard from `--shard` (k/n, or 'auto' with the environment) and `--shards`; undefined
 * without `--shard` (the whole plan). Throws with a message naming the flag or variable.
 */
export function resolveShard(shard: string | undefined, shards: string | undefined, env: Env): Shard | undefined {
  if (shard === undefined) {
    if (shards !== undefined) throw new Error('--shards N goes with --shard auto (a Kubernetes Indexed Job of N completions)');
    return undefined;
  }
  if (shard === 'auto') {
    if (env.JOB_COMPLETION_INDEX !== undefined) return fromKubernetes(env, shards);
    if (env.SLURM_ARRAY_TASK_ID !== undefined) return fromSlurm(env);
    throw new Error('--shard auto: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm array) is set; use --shard k/n by hand');
  }
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new Error(`--shard ${shard}: expected k/n with 1 ≤ k ≤ n (e.g. 2/3), or auto`);
  if (shards !== undefined) throw new Error(`--shards goes with --shard auto, not with --shard ${shard}`);
  return { index: Number(m[1]), count: Number(m[2]) };
}
