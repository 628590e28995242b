/**
 * Seeded mutators for fuzzing the importers (test-only): the byte-level operators of
 * coverage-guided fuzzers such as AFL and libFuzzer (bit flip, byte overwrite, insert, delete,
 * duplicate a chunk, splice, truncate), without the coverage feedback. Every draw comes from the
 * project's seeded Rng, so a failing input is rebuilt from its seed and its index in the loop.
 */
import type { Rng } from '../../../src/engine/rng';

/** Byte values parsers tend to mishandle: 0, sign and ASCII boundaries, and tar's octal digits. */
const INTERESTING_BYTES = [0x00, 0x01, 0x20, 0x2f, 0x2e, 0x30, 0x37, 0x38, 0x7f, 0x80, 0xff];

/** `length` uniformly random bytes. */
export function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

/** One of the items, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** The parts, one after another, in one new array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A random span [start, end) of at most `max` bytes inside `length`. */
function span(rng: Rng, length: number, max: number): [number, number] {
  const start = rng.int(length + 1);
  return [start, Math.min(length, start + 1 + rng.int(max))];
}

/** The operators, each a pure function of (rng, input) returning a new array. */
const BYTE_OPS: readonly ((rng: Rng, b: Uint8Array) => Uint8Array)[] = [
  (rng, b) => {
    // flip one bit
    const out = b.slice();
    if (out.length > 0) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  (rng, b) => {
    // overwrite a byte with an interesting or random value
    const out = b.slice();
    if (out.length > 0) out[rng.int(out.length)] = rng.next() < 0.5 ? pick(rng, INTERESTING_BYTES) : rng.int(256);
    return out;
  },
  (rng, b) => {
    // insert 1-16 random bytes
    const at = rng.int(b.length + 1);
    return concat(b.subarray(0, at), randomBytes(rng, 1 + rng.int(16)), b.subarray(at));
  },
  (rng, b) => {
    // delete a span of up to 64 bytes
    const [s, e] = span(rng, b.length, 64);
    return concat(b.subarray(0, s), b.subarray(e));
  },
  (rng, b) => {
    // duplicate a span of up to 512 bytes in place
    const [s, e] = span(rng, b.length, 512);
    return concat(b.subarray(0, e), b.subarray(s, e), b.subarray(e));
  },
  (rng, b) => {
    // splice: copy a span over another place in the input
    const [s, e] = span(rng, b.length, 512);
    const out = b.slice();
    const at = rng.int(b.length + 1);
    out.set(b.subarray(s, Math.min(e, s + out.length - at)), at);
    return out;
  },
];

/** `input` with 1 to `maxOps` random byte operators applied; the input itself is not changed. */
export function mutateBytes(rng: Rng, input: Uint8Array, maxOps = 4): Uint8Array {
  let out = input;
  const ops = 1 + rng.int(maxOps);
  for (let i = 0; i < ops; i++) out = pick(rng, BYTE_OPS)(rng, out);
  return out === input ? input.slice() : out;
}

/**
 * `count` distinct cut lengths for truncating an input of `length` bytes, 0 and length − 1
 * included: every length when `count` allows, else the first and last 64 and a spread between.
 */
export function truncationPoints(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  const points = new Set<number>();
  for (let i = 0; i < 64 && i < length; i++) {
    points.add(i);
    points.add(length - 1 - i);
  }
  const inner = Math.max(1, count - points.size);
  for (let i = 0; i < inner; i++) points.add(Math.floor(((i + 0.5) * length) / inner));
  return [...points].filter((p) => p < length).sort((a, b) => a - b);
}

/**
 * `text` with 1 to 3 random edits: delete, duplicate or move a span, replace a character, or
 * insert one of `tokens` (e.g. JSON's `{`, `"`, `1e999`, `__proto__`).
 */
export function mutateText(rng: Rng, text: string, tokens: readonly string[]): string {
  let out = text;
  const ops = 1 + rng.int(3);
  for (let i = 0; i < ops; i++) {
    const [s, e] = span(rng, out.length, 40);
    const at = rng.int(out.length + 1);
    switch (rng.int(5)) {
      case 0:
        out = out.slice(0, s) + out.slice(e);
        break;
      case 1:
        out = out.slice(0, e) + out.slice(s, e) + out.slice(e);
        break;
      case 2:
        out = out.slice(0, at) + pick(rng, tokens) + out.slice(at);
        break;
      case 3:
        out = out.slice(0, at) + String.fromCharCode(rng.int(128)) + out.slice(at + 1);
        break;
      default: {
        const moved = out.slice(s, e);
        const rest = out.slice(0, s) + out.slice(e);
        const to = rng.int(rest.length + 1);
        out = rest.slice(0, to) + moved + rest.slice(to);
      }
    }
  }
  return out;
}
