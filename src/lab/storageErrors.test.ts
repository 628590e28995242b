import { describe, expect, it } from 'vitest';
import { classifyStorageError, isQuotaError, STORAGE_FULL, STORAGE_UNAVAILABLE, StorageUnavailableError } from './storageErrors';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('classifyStorageError', () => {
  it('says "full" for a QuotaExceededError, however it is wrapped', () => {
    expect(classifyStorageError(quota())).toEqual({ kind: 'full', headline: STORAGE_FULL });
    // Firefox's name, and a legacy code alone.
    expect(classifyStorageError({ name: 'NS_ERROR_DOM_QUOTA_REACHED', message: 'Persistent storage maximum size reached' }).kind).toBe('full');
    expect(classifyStorageError({ name: 'Error', code: 22 }).kind).toBe('full');
    // idb and events carry the request's error inside; an Error may carry it as its cause.
    expect(classifyStorageError({ name: 'AbortError', error: quota() }).kind).toBe('full');
    expect(classifyStorageError({ type: 'error', target: { error: quota() } }).kind).toBe('full');
    expect(classifyStorageError(new Error('save failed', { cause: quota() })).kind).toBe('full');
    // Storage that could not open because it is full reads "full" (more useful than "unavailable").
    expect(classifyStorageError(new StorageUnavailableError('open failed', { cause: quota() })).kind).toBe('full');
  });

  it('says "unavailable" when IndexedDB is refused or missing', () => {
    expect(classifyStorageError(new DOMException('The operation is insecure.', 'SecurityError'))).toEqual({ kind: 'unavailable', headline: STORAGE_UNAVAILABLE });
    expect(classifyStorageError(new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')).kind).toBe('unavailable');
    expect(classifyStorageError(new StorageUnavailableError('IndexedDB could not be opened (indexedDB is not defined)')).kind).toBe('unavailable');
    expect(classifyStorageError(new Error('wrapped', { cause: new DOMException('x', 'SecurityError') })).kind).toBe('unavailable');
  });

  it('gives any other error its own message', () => {
    expect(classifyStorageError(new DOMException('Failed to write blobs.', 'UnknownError'))).toEqual({ kind: 'other', headline: 'Could not save the lab (Failed to write blobs)' });
    expect(classifyStorageError({ type: 'abort', target: { error: new DOMException('Version change transaction was aborted', 'AbortError') } }).headline).toBe('Could not save the lab (Version change transaction was aborted)');
    expect(classifyStorageError('disk on fire').headline).toBe('Could not save the lab (disk on fire)');
    expect(classifyStorageError(null).headline).toBe('Could not save the lab (unknown storage error)');
  });

  it('stops on cycles and does not look arbitrarily deep', () => {
    const a: Record<string, unknown> = { name: 'Error', message: 'a' };
    a.error = a;
    a.cause = { cause: a };
    expect(classifyStorageError(a).kind).toBe('other');
    const deep = { error: { error: { error: { error: { error: quota() } } } } };
    expect(isQuotaError(deep)).toBe(false);
    expect(isQuotaError(deep.error.error)).toBe(true);
  });
});
