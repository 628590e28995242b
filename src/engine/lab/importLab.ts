/**
 * Reading files into the lab: a lab export (exportFormat.ts) or a single RunResult written by
 * `npm run train`. The file is untrusted, so it is checked in order, and a bad file changes
 * nothing and gets one clear message: size limit, JSON syntax, nesting depth and hostile keys
 * (__proto__, constructor, prototype) before anything else looks at it, then the format and a
 * schema version this app can read, then the exact shape of every field and the values it can
 * hold (resultValues.ts), then every config through validateConfig and the plan through validatePlan. Nesting depth and the number of
 * objects and arrays are also counted on the text, before JSON.parse spends time building them.
 */
import { canonicalJson } from '../canonicalJson';
import { RESULTS_SCHEMA_VERSION, type RunResult } from '../results';
import { ConfigError, validateConfig } from '../validateConfig';
import { EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, fromExportedRun, READABLE_EXPORT_VERSIONS, type LabExport } from './exportFormat';
import type { Plan } from './plan';
import { checkResultValues } from './resultValues';
import { anything, arrayOf, between, bool, clipReason, int, isPlainObject, nullable, object, oneOf, ShapeError, str, type Check } from './shape';
import type { LabRun } from './types';
import { PlanError, validatePlan } from './validatePlan';
import { errorMessage } from '../errorMessage';

/** Largest file read: 64 MiB (a 500-run plan with 2,000 step samples per run fits). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Deepest nesting of objects and arrays (a real export is about 8 deep). */
export const MAX_DEPTH = 32;
/** Most objects and arrays in one file: the largest real export (500 runs × 2,000 step samples) has about a million. */
export const MAX_CONTAINERS = 2_000_000;
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Why a file was refused; `message` is meant for the user and names the file. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export interface ImportedFile {
  kind: 'lab-export' | 'run-result';
  plan: Plan | null;
  runs: LabRun[];
}

/**
 * One pass over the text before JSON.parse, skipping strings: the reason to refuse it, or null.
 * JSON.parse builds every object and array before anything can look at them, and a hostile file
 * is mostly brackets: 64 MB of `[[],[],…]` is 21 million arrays and a minute of parsing (a real
 * export of that size takes about 3 s), and 32 million nested `[` as long. So nesting beyond
 * MAX_DEPTH and more than MAX_CONTAINERS objects and arrays are refused here, in milliseconds.
 */
export function prescan(text: string): string | null {
  let depth = 0;
  let containers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote, past escaped characters
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return `it is nested more than ${MAX_DEPTH} levels deep.`;
      if (++containers > MAX_CONTAINERS) return `it holds more than ${MAX_CONTAINERS.toLocaleString('en-US')} objects and lists; a Trick Lab file holds at most about a million.`;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}

/** Walks parsed JSON without recursion: refuses deep nesting and prototype-polluting keys. */
export function checkStructure(root: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) throw new ShapeError(path, `is nested more than ${MAX_DEPTH} levels deep`);
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      if (HOSTILE_KEYS.includes(key)) throw new ShapeError(childPath, 'is not an allowed key');
      stack.push({ value: child, depth: depth + 1, path: childPath });
    }
  }
}

/**
 * Metrics hold only values they can take: accuracies (fractions) from 0 to 1, and losses, learning
 * rates, times and rates at least 0. JSON writes NaN and ±Infinity (a diverged run's loss) as
 * null: metric fields allow it. What relates two fields is in resultValues.ts.
 */
const accuracy: Check = nullable(between(0, 1));
const nonNegative: Check = nullable(between(0, Infinity));
const count = int(0, 1e9);
const epochShape = object({
  epoch: int(1, 1000), trainLoss: nonNegative, trainAccuracy: accuracy, valLoss: nonNegative, valTop1: accuracy, valTop5: accuracy, lr: nonNegative, seconds: nonNegative, imagesPerSecond: nonNegative,
});
const stepShape = object({ step: int(1, 1e9), epoch: int(1, 1000), loss: nonNegative, lr: nonNegative, imagesPerSecond: nonNegative });
const backendShape = object({
  name: oneOf('webgpu', 'webgl', 'cpu'),
  fallbackReason: nullable(str(2000)),
  adapter: nullable(object({ vendor: str(200), architecture: str(200), description: str(500), isFallbackAdapter: bool, shaderF16: bool }, ['isFallbackAdapter', 'shaderF16'])),
});
const runResultShape = object({
  schemaVersion: oneOf(RESULTS_SCHEMA_VERSION),
  app: object({ name: str(100), version: str(50) }),
  config: anything, // validateConfig, below
  dataset: object({ name: str(200), trainCount: count, valCount: count, numClasses: int(1, 100000) }),
  environment: object({ backend: backendShape, userAgent: str(1000), runtime: oneOf('browser', 'node') }),
  status: oneOf('finished', 'stopped', 'diverged', 'failed'),
  message: nullable(str(10000)),
  epochs: arrayOf(epochShape, 1000),
  steps: arrayOf(stepShape, 100000),
  final: nullable(object({ valTop1: accuracy, valTop5: accuracy, valLoss: nonNegative, bestValTop1: accuracy, trainLoss: nonNegative, trainAccuracy: accuracy })),
  timings: object({ startedAt: str(40), finishedAt: str(40), wallSeconds: between(0, Infinity), imagesPerSecond: nonNegative }),
});
/** A run's teacher; its config goes through validateConfig below. */
const teacherShape = object({ runId: str(200), label: str(200), config: anything, valTop1: accuracy });
const finite: Check = between(-Infinity, Infinity);
const fraction = nullable(finite);
const seedCounts = object({ seeds: count, finished: count, diverged: count, failed: count, stopped: count, cancelled: count, pending: count });
const pairShape = object({ seed: int(0, 2 ** 32 - 1), reference: between(0, 1), value: between(0, 1), difference: between(-1, 1) });
/** The results table carried since schema 2; the lab recomputes it from the runs, so it is only checked. */
const summaryShape = object({
  label: str(200), tricks: arrayOf(str(100), 100), reference: bool, runIds: arrayOf(str(200), 5000), seeds: seedCounts, seedStatus: str(500),
  delta: nullable(object({ metric: oneOf('final valTop1'), confidence: between(0, 1), mean: between(-1, 1), ciLow: fraction, ciHigh: fraction, n: count, excludesZero: bool, pairs: arrayOf(pairShape, 1000) })),
});
const exportShape = object({
  format: oneOf(EXPORT_FORMAT),
  schemaVersion: oneOf(...READABLE_EXPORT_VERSIONS),
  app: object({ name: str(100), version: str(50) }),
  exportedAt: str(40),
  environment: object({ backend: nullable(backendShape), userAgent: str(1000), runtime: oneOf('browser', 'node'), appVersion: str(50) }),
  plan: anything, // validatePlan, below
  runs: arrayOf(
    object({ id: str(200), label: str(200), planKey: nullable(str(100)), reference: bool, teacherRunId: nullable(str(200)), teacher: nullable(teacherShape), result: runResultShape }, ['teacher']),
    5000,
  ),
  summary: arrayOf(summaryShape, 5000),
}, ['summary']);

/** null (JSON's NaN) back to NaN in a result's metrics, so the rest of the app sees numbers. */
function restoreNaN(result: RunResult): RunResult {
  const fix = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? Number.NaN : v])) as T;
  return {
    ...result,
    epochs: result.epochs.map(fix),
    steps: result.steps.map(fix),
    final: result.final ? fix(result.final) : null,
    timings: { ...result.timings, imagesPerSecond: result.timings.imagesPerSecond ?? Number.NaN },
  };
}

function versionProblem(what: string, found: unknown, readable: number): string | null {
  if (typeof found !== 'number') return null;
  if (found > readable) return `it was written by a newer version of Trick Lab (${what} schema ${found}; this app reads ${readable}). Update the app to import it.`;
  return found === readable ? null : `its ${what} schema ${found} is not one this app reads (${readable}).`;
}

function checkConfig(holder: { config: unknown }, path: string): void {
  try {
    validateConfig(holder.config);
  } catch (err) {
    if (err instanceof ConfigError) throw new ShapeError(`${path ? `${path}.` : ''}config.${err.field}`, err.message.slice(err.field.length + 2));
    throw err;
  }
}

/** A stable id for a run result without one: re-importing the same file is recognised. */
function resultId(result: RunResult): string {
  let h = 0x811c9dc5;
  const text = canonicalJson({ startedAt: result.timings.startedAt, config: result.config, finishedAt: result.timings.finishedAt });
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `result-${h.toString(16).padStart(8, '0')}`;
}

function classify(data: unknown): 'lab-export' | 'run-result' {
  if (!isPlainObject(data)) throw new ImportError('it is not a Trick Lab export: the top level must be an object.');
  if (data.format === EXPORT_FORMAT) {
    const problem = READABLE_EXPORT_VERSIONS.includes(data.schemaVersion as number) ? null : versionProblem('export', data.schemaVersion, EXPORT_SCHEMA_VERSION);
    if (problem) throw new ImportError(problem);
    return 'lab-export';
  }
  if (isPlainObject(data.app) && data.app.name === 'trick-lab' && 'config' in data && 'epochs' in data) {
    const problem = versionProblem('results', data.schemaVersion, RESULTS_SCHEMA_VERSION);
    if (problem) throw new ImportError(problem);
    return 'run-result';
  }
  throw new ImportError(`it is neither a lab export (format "${EXPORT_FORMAT}") nor a run's results from npm run train.`);
}

/** Parses and checks one file's text; throws ImportError (with the file's name) on any problem. */
export function parseImport(text: string, fileName: string): ImportedFile {
  const fail = (why: string): never => {
    throw new ImportError(`${fileName} was not imported: ${clipReason(why)}`);
  };
  if (text.length > MAX_IMPORT_BYTES) fail(`it is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
  const tooComplex = prescan(text);
  if (tooComplex) fail(tooComplex);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    fail(`it is not valid JSON (${errorMessage(err)}).`);
  }
  try {
    checkStructure(data);
    const kind = classify(data);
    if (kind === 'run-result') {
      runResultShape(data, '');
      const result = data as RunResult;
      checkConfig(result, '');
      checkResultValues(result, '');
      const run = fromExportedRun({ id: resultId(result), label: result.config.name, planKey: null, reference: false, teacherRunId: null, result: restoreNaN(result) }, fileName);
      return { kind, plan: null, runs: [run] };
    }
    exportShape(data, '');
    const file = data as LabExport;
    file.runs.forEach((r, i) => {
      checkConfig(r.result, `runs.${i}.result`);
      checkResultValues(r.result, `runs.${i}.result`);
      if (r.teacher) checkConfig(r.teacher, `runs.${i}.teacher`);
    });
    const ids = new Set(file.runs.map((r) => r.id));
    if (ids.size !== file.runs.length) throw new ShapeError('runs', 'two runs have the same id');
    const plan = file.plan === null ? null : validatePlan(file.plan);
    return { kind, plan, runs: file.runs.map((r) => fromExportedRun({ ...r, result: restoreNaN(r.result) }, fileName)) };
  } catch (err) {
    if (err instanceof ImportError) return fail(err.message);
    if (err instanceof ShapeError) return fail(`${err.path ? 'field ' : ''}${err.message}.`);
    if (err instanceof PlanError) return fail(`field plan.${err.message}.`);
    throw err;
  }
}
