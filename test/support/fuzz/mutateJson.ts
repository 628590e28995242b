/**
 * Structure-aware mutations of JSON documents for fuzzing the results importer and share links
 * (test-only): pick any node of a valid document and replace it with a hostile value, delete it,
 * add an unknown or a prototype-polluting key beside it, or bury it under deep nesting. Byte
 * mutations mostly test the JSON parser; these reach the field checks behind it.
 */
import type { Rng } from '../../../src/engine/rng';
import { pick } from './mutate';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** The HTML payload used in name fields: it must come back as the same plain text, or be refused. */
export const HTML_PAYLOAD = '<img src=x onerror=alert(1)>';

/** Keys that pollute Object.prototype when a parser copies them naively. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Values of the wrong type, out of range or hostile as text; all survive JSON.stringify as
 * themselves (NaN and Infinity go in as strings, the way a hand-edited file would carry them).
 */
export const HOSTILE_VALUES: readonly Json[] = [
  null, true, false, 0, -1, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e308, -1e308, 5e-324,
  'NaN', 'Infinity', '-Infinity', '1e999', '', ' ', '0', 'true', 'null', '\u0000', '\ud800',
  HTML_PAYLOAD, '"><script>alert(1)</script>', '__proto__', 'x'.repeat(201), 'é'.repeat(5000),
  [], [null], [1, 2, 3], {}, { a: 1 },
];

/** Every path in `value`, the root ([]) included, in document order. */
export function jsonPaths(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => jsonPaths(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonPaths(v, [...path, k], out);
  return out;
}

/** Defines `key` as an own, enumerable property (so `__proto__` is data, as JSON.parse makes it). */
function defineOwn(target: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `depth` arrays or objects nested around `inner`. */
export function nested(depth: number, kind: 'array' | 'object', inner: Json = 0): Json {
  let v = inner;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/**
 * A copy of `doc` with one random structural edit; `what` describes it (for failure reports).
 * The document passed in is not changed.
 */
export function mutateJson(rng: Rng, doc: Json): { value: Json; what: string } {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const paths = jsonPaths(copy);
  const path = pick(rng, paths);
  const parentPath = path.slice(0, -1);
  const where = path.join('.') || '(root)';
  if (path.length === 0) return { value: pick(rng, HOSTILE_VALUES), what: 'replace the whole document' };
  const key = path[path.length - 1];
  let parent = parentPath.reduce<Json>((v, k) => (v as Record<string, Json>)[k], copy) as Record<string, Json>;
  switch (rng.int(6)) {
    case 0:
    case 1: {
      const value = pick(rng, HOSTILE_VALUES);
      parent[key] = value;
      return { value: copy, what: `${where} = ${JSON.stringify(value)?.slice(0, 40)}` };
    }
    case 2:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return { value: copy, what: `delete ${where}` };
    case 3: {
      // An extra key beside the node (or in it, when it is an object).
      const target = parent[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) parent = target as Record<string, Json>;
      const extra = rng.next() < 0.5 ? pick(rng, HOSTILE_KEYS) : 'unexpected';
      if (Array.isArray(parent)) return { value: copy, what: 'no-op' };
      defineOwn(parent, extra, rng.next() < 0.5 ? { polluted: true } : pick(rng, HOSTILE_VALUES));
      return { value: copy, what: `add key ${extra} at ${where}` };
    }
    case 4:
      parent[key] = nested(1 + rng.int(60), rng.next() < 0.5 ? 'array' : 'object', parent[key]);
      return { value: copy, what: `nest ${where}` };
    default: {
      // Splice in another node of the same document.
      const other = pick(rng, paths).reduce<Json>((v, k) => (v as Record<string, Json>)[k], JSON.parse(JSON.stringify(doc)) as Json);
      parent[key] = other;
      return { value: copy, what: `replace ${where} with another node` };
    }
  }
}
