/**
 * Bench options from flat string settings, shared by the CLI (--flags) and the bench page (URL
 * query, e.g. bench.html?depth=8&width=0.25&batch=16&resolution=16&steps=3&fp16=1), with the same
 * validation messages. Unset keys take DEFAULT_BENCH's values.
 */
import { DEFAULT_BENCH, type BenchOptions, type KernelMode, type WorkPlan } from './runBench';

/** The setting names, as flags (`--micro-batch`) and query keys (`micro-batch=`). */
export const BENCH_KEYS = ['depth', 'batch', 'width', 'resolution', 'steps', 'warmup', 'micro-batch', 'modes', 'profile', 'train', 'fp16', 'plan'] as const;
export type BenchKey = (typeof BENCH_KEYS)[number];

function list(key: string, value: string): number[] {
  const out = value.split(',').map((v) => Number(v.trim()));
  if (out.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`${key}: expected positive numbers, got '${value}'`);
  return out;
}

function one(key: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`${key}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`);
  return n;
}

function workPlan(value: string | undefined): WorkPlan {
  if (value === undefined) return DEFAULT_BENCH.plan;
  if (value !== 'auto' && value !== 'gpu' && value !== 'cpu') throw new Error(`plan: expected auto, gpu or cpu, got '${value}'`);
  return value;
}

/** Options from settings looked up by key; throws with the key's name on a bad value. */
export function parseBenchOptions(get: (key: BenchKey) => string | undefined): Omit<BenchOptions, 'log'> {
  const modes = (get('modes') ?? DEFAULT_BENCH.modes.join(',')).split(',') as KernelMode[];
  if (modes.some((m) => m !== 'compiled' && m !== 'custom' && m !== 'stock')) throw new Error(`modes: expected some of compiled, custom and stock, got '${get('modes')}'`);
  const depths = get('depth') ? list('depth', get('depth') as string) : DEFAULT_BENCH.depths;
  const bad = depths.find((d) => !Number.isInteger(d) || (d - 2) % 6 !== 0);
  if (bad !== undefined) throw new Error(`depth: CIFAR ResNets have depth 6n+2 (8, 14, 20, 56, …), got ${bad}`);
  const flag = (key: 'profile' | 'train' | 'fp16', fallback: boolean): boolean => {
    const v = get(key);
    if (v === undefined) return fallback;
    if (v !== '0' && v !== '1') throw new Error(`${key}: expected 0 or 1, got '${v}'`);
    return v === '1';
  };
  return {
    depths,
    batches: get('batch') ? list('batch', get('batch') as string) : DEFAULT_BENCH.batches,
    widthMultiplier: one('width', get('width'), DEFAULT_BENCH.widthMultiplier),
    resolution: one('resolution', get('resolution'), DEFAULT_BENCH.resolution),
    steps: one('steps', get('steps'), DEFAULT_BENCH.steps),
    warmup: one('warmup', get('warmup'), DEFAULT_BENCH.warmup, true),
    microBatch: one('micro-batch', get('micro-batch'), DEFAULT_BENCH.microBatch, true),
    modes,
    profile: flag('profile', DEFAULT_BENCH.profile),
    train: flag('train', DEFAULT_BENCH.train),
    fp16: flag('fp16', DEFAULT_BENCH.fp16),
    plan: workPlan(get('plan')),
  };
}
