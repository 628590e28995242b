/**
 * The fuzz harness (test-only): runs one input through an importer and sorts the outcome. An
 * importer may accept an input, or refuse it by throwing its own error type with a message for
 * the user. Anything else is a crash, recorded with the input's label so its seed reproduces
 * it: another error type (a TypeError, a RangeError such as a stack overflow), an empty message,
 * one that does not name the file, one too long to read, or a run over the time limit.
 */
import { afterAll, expect } from 'vitest';

export interface FuzzOptions {
  /** The importer's own error class (DatasetError, ImportError, ShareLinkError). */
  ownError: abstract new (message: string) => Error;
  /** Text every refusal must contain: the file's name. */
  mentions?: string;
  /** Per-input time limit, ms (default 2,000). */
  maxMs?: number;
  /** Longest readable message, characters, on top of the mentioned name (default 1,000). */
  maxMessageChars?: number;
}

export interface FuzzTally {
  name: string;
  inputs: number;
  accepted: number;
  refused: number;
  /** Number of crashes; `crashes` keeps the first 20 descriptions. */
  crashCount: number;
  crashes: string[];
  /** Refusal messages with digits and quoted text blanked, to count how many kinds were reached. */
  messageKinds: Set<string>;
  slowestMs: number;
  slowest: string;
  totalMs: number;
}

export function createTally(name: string): FuzzTally {
  return { name, inputs: 0, accepted: 0, refused: 0, crashCount: 0, crashes: [], messageKinds: new Set(), slowestMs: 0, slowest: '', totalMs: 0 };
}

export type FuzzOutcome<T> = { accepted: true; value: T } | { accepted: false; message: string };

function crash(tally: FuzzTally, label: string, why: string): void {
  tally.crashCount++;
  if (tally.crashes.length < 20) tally.crashes.push(`${tally.name} ${label}: ${why.slice(0, 300)}`);
}

/** Runs `importer` on one input and records the outcome; returns it (null for a crash). */
export function fuzzOne<T>(tally: FuzzTally, label: string, importer: () => T, options: FuzzOptions): FuzzOutcome<T> | null {
  const maxMs = options.maxMs ?? 2000;
  const maxChars = (options.maxMessageChars ?? 1000) + (options.mentions?.length ?? 0);
  tally.inputs++;
  const start = performance.now();
  let outcome: FuzzOutcome<T> | null;
  try {
    outcome = { accepted: true, value: importer() };
  } catch (err) {
    if (!(err instanceof options.ownError)) {
      const kind = err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${typeof err}`;
      crash(tally, label, `not the importer's error: ${kind}`);
      outcome = null;
    } else if (err.message.trim() === '') {
      crash(tally, label, 'empty message');
      outcome = null;
    } else if (options.mentions !== undefined && !err.message.includes(options.mentions)) {
      crash(tally, label, `message does not name ${options.mentions}: ${err.message}`);
      outcome = null;
    } else if (err.message.length > maxChars) {
      crash(tally, label, `message of ${err.message.length} characters: ${err.message.slice(0, 120)}…`);
      outcome = null;
    } else {
      outcome = { accepted: false, message: err.message };
    }
  }
  const ms = performance.now() - start;
  tally.totalMs += ms;
  if (ms > tally.slowestMs) {
    tally.slowestMs = ms;
    tally.slowest = label;
  }
  if (ms > maxMs) crash(tally, label, `took ${Math.round(ms)} ms (limit ${maxMs} ms)`);
  if (outcome?.accepted) tally.accepted++;
  else if (outcome) {
    tally.refused++;
    tally.messageKinds.add(outcome.message.replace(/"[^"]*"|\d+/g, '#').slice(0, 60));
  }
  return outcome;
}

/** One quotable line, e.g. "fuzz: 3,412 inputs, 0 crashes (dataset: 1,200 — 40 accepted, 1,160 refused …)". */
export function fuzzSummary(tallies: readonly FuzzTally[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const inputs = tallies.reduce((s, t) => s + t.inputs, 0);
  const crashes = tallies.reduce((s, t) => s + t.crashCount, 0);
  const parts = tallies.map(
    (t) =>
      `${t.name}: ${n(t.inputs)} — ${n(t.accepted)} accepted, ${n(t.refused)} refused in ${t.messageKinds.size} kinds of message, ` +
      `${(t.totalMs / 1000).toFixed(1)} s, slowest ${Math.round(t.slowestMs)} ms`,
  );
  return `fuzz: ${n(inputs)} inputs, ${n(crashes)} crashes (${parts.join('; ')})`;
}

/** Own property names of the built-in prototypes and the global object, to show after a run that none was added. */
export function prototypeSnapshot(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype, globalThis].map((p) => Object.getOwnPropertyNames(p).sort().join(','));
}

/**
 * A fuzz test file's tallies: `track(name)` starts one; after the file, the summary line is
 * printed and it is asserted that at least `minInputs` inputs were tried, none crashed, and no
 * built-in prototype or global gained a property.
 */
export function fuzzSuite(minInputs: number): { track(name: string): FuzzTally } {
  const tallies: FuzzTally[] = [];
  const protoBefore = prototypeSnapshot();
  afterAll(() => {
    console.log(fuzzSummary(tallies));
    expect(tallies.reduce((n, t) => n + t.inputs, 0)).toBeGreaterThanOrEqual(minInputs);
    expect(tallies.reduce((n, t) => n + t.crashCount, 0)).toBe(0);
    expect(prototypeSnapshot()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  return {
    track(name) {
      const tally = createTally(name);
      tallies.push(tally);
      return tally;
    },
  };
}
