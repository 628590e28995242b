/**
 * What went wrong with the browser's storage, in words a user can act on. IndexedDB reports a
 * full disk or an exhausted origin quota as a `QuotaExceededError` DOMException (Firefox's
 * older builds as `NS_ERROR_DOM_QUOTA_REACHED`), often not on the write itself but on the
 * transaction that aborts because of it (`idb` rejects with `tx.error`, and events carry the
 * error on `.target.error`); a browser that refuses IndexedDB (private windows, storage
 * disabled by policy, a sandboxed frame) makes `indexedDB.open` fail with a `SecurityError` or
 * `InvalidStateError`, or leaves `indexedDB` undefined. Pure: no DOM is touched, only the
 * error's `name`, `code` and `message` are read.
 */

/** `full`: the quota is exhausted; `unavailable`: IndexedDB can't be used; `other`: anything else. */
export type StorageProblemKind = 'full' | 'unavailable' | 'other';

export interface StorageProblem {
  kind: StorageProblemKind;
  /** For the user: "Browser storage is full", or "Could not save the lab (the error's message)". */
  headline: string;
}

/**
 * IndexedDB could not be opened at all (thrown by openLabStore): whatever the browser said,
 * nothing can be kept, so it is classified `unavailable`.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

const QUOTA_NAMES = ['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED'];
/** Legacy DOMException codes: 22 is QUOTA_EXCEEDED_ERR; Firefox's nsresult low word is 1014. */
const QUOTA_CODES = [22, 1014];
const UNAVAILABLE_NAMES = ['StorageUnavailableError', 'SecurityError', 'InvalidStateError'];

export const STORAGE_FULL = 'Browser storage is full';
export const STORAGE_UNAVAILABLE = 'Browser storage is unavailable';

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  error?: unknown;
  cause?: unknown;
  target?: unknown;
}

const isObject = (x: unknown): x is ErrorLike => typeof x === 'object' && x !== null;

/** The error and the ones it wraps (`.error`, `.cause`, `.target.error`), outermost first. */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let queue: unknown[] = [err];
  // A few levels are enough (idb wraps once, an Event once more); the cap stops cycles.
  for (let depth = 0; depth < 4 && queue.length > 0; depth++) {
    const next: unknown[] = [];
    for (const e of queue) {
      if (!isObject(e) || out.includes(e)) continue;
      out.push(e);
      next.push(e.error, e.cause, isObject(e.target) ? e.target.error : undefined);
    }
    queue = next;
  }
  return out;
}

/** Whether the error (or one it wraps) says the storage quota is exhausted. */
export function isQuotaError(err: unknown): boolean {
  return chain(err).some((e) => (typeof e.name === 'string' && QUOTA_NAMES.includes(e.name)) || (typeof e.code === 'number' && QUOTA_CODES.includes(e.code)));
}

/** Whether the error (or one it wraps) says IndexedDB can't be used here at all. */
export function isUnavailableError(err: unknown): boolean {
  return chain(err).some((e) => typeof e.name === 'string' && UNAVAILABLE_NAMES.includes(e.name));
}

/** The error's own message (the outermost one that has text), for the `other` case. */
function messageOf(err: unknown): string {
  const texts = chain(err).map((e) => (typeof e.message === 'string' ? e.message.trim().replace(/\.$/, '') : '')).filter((t) => t.length > 0);
  if (texts.length > 0) return texts[0];
  return typeof err === 'string' && err ? err : 'unknown storage error';
}

/** Says what kind of storage failure `err` is, with the headline to show. */
export function classifyStorageError(err: unknown): StorageProblem {
  if (isQuotaError(err)) return { kind: 'full', headline: STORAGE_FULL };
  if (isUnavailableError(err)) return { kind: 'unavailable', headline: STORAGE_UNAVAILABLE };
  return { kind: 'other', headline: `Could not save the lab (${messageOf(err)})` };
}
