/**
 * The single-run page's earlier runs (pastRuns.ts) kept in this browser, so they are still on
 * the charts after a reload: each run's config, loss and validation curves, and its keep and
 * show boxes, in localStorage (at most MAX_PAST_RUNS runs of at most MAX_STORED_POINTS points a
 * curve: tens of kB). No weights. An empty list removes the entry.
 *
 * What is read back is untrusted (another script on this origin, an older version, a full disk
 * that cut a write): the text goes through the lab import's guards (a size limit, nesting and
 * object counts before JSON.parse), then each record (no __proto__, constructor or prototype
 * keys; its config through validateConfig; curves of finite numbers). A record that fails is
 * dropped and the others kept; a list that cannot be read at all is an empty one. Labels and trick lists
 * are not stored but derived again from the config, so what the page shows of a run is what it ran.
 */
import { makeConfig, type DeepPartial, type ExperimentConfig } from '../engine/config';
import { checkStructure, prescan } from '../engine/lab/importLab';
import { isPlainObject } from '../engine/lab/shape';
import { groupKey } from '../engine/lab/summary';
import { validateConfig } from '../engine/validateConfig';
import type { SeriesPoint } from './charts/LiveSeries';
import { assignColors, colorFor, PALETTE } from './colors';
import { MAX_PAST_RUNS, runLabel, tricksOn, type PastRun } from './pastRuns';

export const PAST_RUNS_KEY = 'trick-lab:past-runs';
/** Version of the stored list; another version is not read. */
export const PAST_RUNS_VERSION = 1;
/** Most points kept of one curve: every k-th point and the last (the charts draw no more than 400). */
export const MAX_STORED_POINTS = 500;
/** Longest stored text read, characters (five runs at the limits above take under 100 k). */
export const MAX_STORED_CHARS = 512 * 1024;

/** The part of Storage this module uses (localStorage in the page; a map in tests). */
export type PastRunStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** One run as stored: curves as [x, y] pairs. */
interface StoredRun {
  id: string;
  config: ExperimentConfig;
  color: string;
  loss: [number, number][];
  val: [number, number][];
  pinned: boolean;
  hidden: boolean;
}

const ID = /^[\w.-]{1,64}$/;
const palette = new Set(PALETTE);

/** At most MAX_STORED_POINTS points: every k-th, and the last. */
function thin(points: readonly SeriesPoint[]): [number, number][] {
  const every = Math.ceil(points.length / (MAX_STORED_POINTS - 1)) || 1;
  return points.filter((_, i) => i % every === 0 || i === points.length - 1).map((p) => [p.x, p.y]);
}

/** The list as stored (JSON). */
export function serializePastRuns(runs: readonly PastRun[]): string {
  const stored: StoredRun[] = runs.slice(0, MAX_PAST_RUNS).map((r) => ({ id: r.id, config: r.config, color: r.color, loss: thin(r.loss), val: thin(r.val), pinned: r.pinned, hidden: r.hidden }));
  return JSON.stringify({ version: PAST_RUNS_VERSION, runs: stored });
}

/** A curve read back, or null when it is not a list of at most MAX_STORED_POINTS finite [x, y] pairs. */
function curveOf(value: unknown): SeriesPoint[] | null {
  if (!Array.isArray(value) || value.length > MAX_STORED_POINTS) return null;
  const points: SeriesPoint[] = [];
  for (const p of value) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
    points.push({ x: p[0] as number, y: p[1] as number });
  }
  return points;
}

/** One stored record as a run, or null when any part of it is wrong. */
function runOf(value: unknown): (Omit<PastRun, 'color'> & { color: unknown }) | null {
  try {
    checkStructure(value); // no __proto__, constructor or prototype key anywhere in it
  } catch {
    return null;
  }
  if (!isPlainObject(value)) return null;
  const { id, config, color, loss, val, pinned, hidden } = value;
  if (typeof id !== 'string' || !ID.test(id) || typeof pinned !== 'boolean' || typeof hidden !== 'boolean' || !isPlainObject(config)) return null;
  const lossPoints = curveOf(loss);
  const valPoints = curveOf(val);
  if (!lossPoints || !valPoints) return null;
  let checked: ExperimentConfig;
  try {
    // makeConfig fills what a config of an older version lacks and keeps unknown keys, which validateConfig refuses.
    checked = validateConfig(makeConfig(config as DeepPartial<ExperimentConfig>));
  } catch {
    return null;
  }
  const tricks = tricksOn(checked);
  return { id, label: runLabel(tricks), tricks, config: checked, color, loss: lossPoints, val: valPoints, pinned, hidden };
}

/**
 * The runs in a stored text: every record that passes, in order, the first MAX_PAST_RUNS, each
 * id once; each config's colour (colors.ts) is the palette colour its first run had when no
 * earlier config took it, else the first free one (runs of one config share it).
 */
export function parseStoredPastRuns(text: string | null): PastRun[] {
  if (!text || text.length > MAX_STORED_CHARS || prescan(text) !== null) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isPlainObject(data) || data.version !== PAST_RUNS_VERSION || !Array.isArray(data.runs)) return [];
  const runs: NonNullable<ReturnType<typeof runOf>>[] = [];
  for (const record of data.runs) {
    const run = runOf(record);
    if (!run || runs.some((r) => r.id === run.id)) continue;
    runs.push(run);
    if (runs.length === MAX_PAST_RUNS) break;
  }
  const keys = runs.map((r) => groupKey(r.config));
  const stored = new Map<string, string>();
  runs.forEach((r, i) => {
    if (typeof r.color === 'string' && palette.has(r.color) && !stored.has(keys[i])) stored.set(keys[i], r.color);
  });
  const colors = assignColors(keys, stored);
  return runs.map((r, i) => ({ ...r, color: colors.get(keys[i]) ?? colorFor(0) }));
}

const browserStorage = (): PastRunStorage | null => (typeof localStorage === 'undefined' ? null : localStorage);

/** The runs kept in this browser (none when storage is off or holds nothing readable). */
export function readPastRuns(storage: PastRunStorage | null = browserStorage()): PastRun[] {
  try {
    return parseStoredPastRuns(storage?.getItem(PAST_RUNS_KEY) ?? null);
  } catch {
    return []; // storage refused (a sandboxed frame, storage blocked)
  }
}

/** Keeps the list (an empty one removes the entry); false when storage refused it (full or off). */
export function writePastRuns(runs: readonly PastRun[], storage: PastRunStorage | null = browserStorage()): boolean {
  if (!storage) return false;
  try {
    if (runs.length === 0) storage.removeItem(PAST_RUNS_KEY);
    else storage.setItem(PAST_RUNS_KEY, serializePastRuns(runs));
    return true;
  } catch {
    return false;
  }
}
