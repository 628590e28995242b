/**
 * JSON with object keys in sorted order, so two equal values give the same text whatever order
 * their keys were written in (a config from a form, a file or IndexedDB). Used to compare
 * configs (a checkpoint resumes only its own config) and to group runs that differ by seed.
 */

/** `JSON.stringify` with sorted keys at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
