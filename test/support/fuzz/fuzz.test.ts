/**
 * The fuzz machinery tested on itself: the harness counts as crashes exactly what the fuzz
 * tests promise it does (another error type, a message without the file's name, an overlong
 * message, a slow input), the prototype snapshot sees an added key, and the mutators are
 * reproducible from their seed and leave their input alone.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/engine/rng';
import { createTally, fuzzOne, fuzzSummary, prototypeSnapshot } from './harness';
import { mutateBytes, mutateText, randomBytes, truncationPoints } from './mutate';
import { jsonPaths, mutateJson, nested, type Json } from './mutateJson';

class OwnError extends Error {}

describe('fuzz harness', () => {
  it('sorts outcomes: accepted, refused, and each kind of crash', () => {
    const tally = createTally('t');
    const options = { ownError: OwnError, mentions: 'f.json', maxMs: 50 };
    expect(fuzzOne(tally, 'ok', () => 1, options)).toEqual({ accepted: true, value: 1 });
    expect(fuzzOne(tally, 'refused', () => { throw new OwnError('f.json is bad'); }, options)).toEqual({ accepted: false, message: 'f.json is bad' });
    expect(fuzzOne(tally, 'type', () => { throw new TypeError('x is undefined'); }, options)).toBeNull();
    expect(fuzzOne(tally, 'unnamed', () => { throw new OwnError('it is bad'); }, options)).toBeNull();
    expect(fuzzOne(tally, 'empty', () => { throw new OwnError(' '); }, options)).toBeNull();
    expect(fuzzOne(tally, 'long', () => { throw new OwnError(`f.json ${'x'.repeat(2000)}`); }, options)).toBeNull();
    fuzzOne(tally, 'slow', () => { const end = performance.now() + 80; while (performance.now() < end); }, options);
    expect([tally.inputs, tally.accepted, tally.refused, tally.crashCount]).toEqual([7, 2, 1, 5]);
    expect(tally.crashes.map((c) => c.split(':')[0])).toEqual(['t type', 't unnamed', 't empty', 't long', 't slow']);
    expect(fuzzSummary([tally])).toMatch(/^fuzz: 7 inputs, 5 crashes \(t: 7 — 2 accepted, 1 refused/);
  });

  it('the prototype snapshot sees a polluted Object.prototype', () => {
    const before = prototypeSnapshot();
    Object.defineProperty(Object.prototype, 'fuzzProbe', { value: 1, configurable: true });
    try {
      expect(prototypeSnapshot()).not.toEqual(before);
    } finally {
      delete (Object.prototype as Record<string, unknown>).fuzzProbe;
    }
    expect(prototypeSnapshot()).toEqual(before);
  });
});

describe('mutators', () => {
  it('are reproducible from the seed and do not change their input', () => {
    const input = randomBytes(createRng(1), 1000);
    const copy = input.slice();
    const run = (seed: number) => Array.from({ length: 50 }, (_, i) => mutateBytes(createRng(seed * 100 + i), input));
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    expect(input).toEqual(copy);
    const rng = createRng(5);
    const texts = Array.from({ length: 50 }, () => mutateText(rng, '{"a":[1,2]}', ['{', '1e999']));
    expect(new Set(texts).size).toBeGreaterThan(30);
  });

  it('truncation points cover both ends and stay in range', () => {
    expect(truncationPoints(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const points = truncationPoints(100_000, 500);
    expect(points.slice(0, 3)).toEqual([0, 1, 2]);
    expect(points.at(-1)).toBe(99_999);
    expect(points.length).toBeGreaterThan(400);
    expect(points.every((p) => p >= 0 && p < 100_000)).toBe(true);
  });

  it('JSON mutations touch one node of a copy; hostile keys become own properties', () => {
    const doc: Json = { a: [1, { b: 'x' }], c: null };
    expect(jsonPaths(doc).map((p) => p.join('.'))).toEqual(['', 'a', 'a.0', 'a.1', 'a.1.b', 'c']);
    const rng = createRng(9);
    const outs = Array.from({ length: 200 }, () => JSON.stringify(mutateJson(rng, doc).value));
    expect(doc).toEqual({ a: [1, { b: 'x' }], c: null });
    expect(outs.some((o) => o.includes('"__proto__":'))).toBe(true);
    expect(new Set(outs).size).toBeGreaterThan(50);
    expect(JSON.stringify(nested(3, 'object'))).toBe('{"a":{"a":{"a":0}}}');
  });
});
