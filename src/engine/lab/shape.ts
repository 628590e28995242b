/**
 * A small strict checker for plain JSON data of a known shape: every object's keys must be
 * exactly the declared ones (unknown keys are an error, as for configs), numbers finite, strings
 * bounded, arrays bounded; each failure names the dotted path. Used on imported files, whose
 * contents are untrusted.
 */

/** Thrown with the dotted path of the first value that does not fit. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '(file)'}: ${message}`);
    this.name = 'ShapeError';
  }
}

/** Longest reason shown for a refused file or link, characters: longer ones are cut. */
export const MAX_REASON_CHARS = 500;

/**
 * A refusal's reason, cut to MAX_REASON_CHARS: validateConfig quotes the value it got, and a
 * hostile file can make that value megabytes long.
 */
export function clipReason(reason: string): string {
  if (reason.length <= MAX_REASON_CHARS) return reason;
  const end = /[\uD800-\uDBFF]/.test(reason[MAX_REASON_CHARS - 2]) ? MAX_REASON_CHARS - 2 : MAX_REASON_CHARS - 1; // not half a surrogate pair
  return `${reason.slice(0, end)}…`;
}

/** Checks a value at a path; throws ShapeError. */
export type Check = (value: unknown, path: string) => void;

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export const num: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(path, 'must be a finite number');
};

/** A finite number from `min` to `max` (inclusive); the message gives the value found. */
export const between =
  (min: number, max: number): Check =>
  (v, path) => {
    num(v, path);
    if ((v as number) < min || (v as number) > max) throw new ShapeError(path, `must be from ${min} to ${max === Infinity ? 'any size' : max} (got ${v as number})`);
  };

export const int =
  (min: number, max: number): Check =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ShapeError(path, `must be a whole number from ${min} to ${max}`);
  };

export const str =
  (maxLength: number): Check =>
  (v, path) => {
    if (typeof v !== 'string' || v.length > maxLength) throw new ShapeError(path, `must be a string of at most ${maxLength} characters`);
  };

export const oneOf =
  (...allowed: (string | number | boolean | null)[]): Check =>
  (v, path) => {
    if (!allowed.includes(v as string)) throw new ShapeError(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} (got ${JSON.stringify(v)?.slice(0, 40)})`);
  };

export const bool: Check = (v, path) => {
  if (typeof v !== 'boolean') throw new ShapeError(path, 'must be true or false');
};

export const nullable =
  (check: Check): Check =>
  (v, path) => {
    if (v !== null) check(v, path);
  };

export const arrayOf =
  (item: Check, maxLength: number): Check =>
  (v, path) => {
    if (!Array.isArray(v)) throw new ShapeError(path, 'must be a list');
    if (v.length > maxLength) throw new ShapeError(path, `has ${v.length} entries; at most ${maxLength}`);
    v.forEach((x, i) => item(x, join(path, i)));
  };

/** An object with exactly these keys (a key whose check accepts undefined may be absent). */
export const object =
  (fields: Record<string, Check>, optional: readonly string[] = []): Check =>
  (v, path) => {
    if (!isPlainObject(v)) throw new ShapeError(path, 'must be an object');
    for (const key of Object.keys(v)) if (!Object.hasOwn(fields, key)) throw new ShapeError(join(path, key), 'unknown key');
    for (const [key, check] of Object.entries(fields)) {
      if (!Object.hasOwn(v, key)) {
        if (optional.includes(key)) continue;
        throw new ShapeError(join(path, key), 'is missing');
      }
      check(v[key], join(path, key));
    }
  };

/** Any value (checked elsewhere, e.g. a config by validateConfig). */
export const anything: Check = () => undefined;
