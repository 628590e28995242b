// Known ids on import: new ones join, the same results are noted, other results are skipped and
// reported ("2 skipped: already here with other results"), NaN (null in a file) compares equal.
import { describe, expect, it } from 'vitest';
import { importNotice, sortImported } from './importMerge';
import { fakeResult, labRun, tinyConfig } from '../../../test/support/testRuns';

const result = fakeResult(tinyConfig, 0.5);
const here = [labRun('a', tinyConfig, result), labRun('b', tinyConfig, { ...result, epochs: [{ ...result.epochs[0], trainLoss: Number.NaN }] }), labRun('c', tinyConfig, null)];
const byId = (id: string) => here.find((r) => r.id === id);

describe('sortImported', () => {
  it('splits new ids, the same results and other results', () => {
    const incoming = [
      labRun('a', tinyConfig, JSON.parse(JSON.stringify(result))), // same, as read back from a file
      labRun('b', tinyConfig, { ...result, epochs: [{ ...result.epochs[0], trainLoss: Number.NaN }] }), // same, NaN in both
      labRun('c', tinyConfig, result), // here without a result: other results
      labRun('a2', tinyConfig, result),
      labRun('b', tinyConfig, { ...result, final: { ...result.final!, valTop1: 0.6 } }),
    ];
    const s = sortImported(incoming, byId);
    expect(s.fresh.map((r) => r.id)).toEqual(['a2']);
    expect([s.same, s.different]).toEqual([2, 2]);
    expect(importNotice('lab.json', s)).toEqual({ kind: 'error', text: 'lab.json: 1 run imported (2 already here; 2 skipped: already here with other results).' });
  });

  it('words the notice for each case', () => {
    expect(importNotice('x.json', { fresh: [], same: 1, different: 0 })).toEqual({ kind: 'info', text: 'x.json: 0 runs imported (1 already here).' });
    expect(importNotice('x.json', { fresh: here, same: 0, different: 0 })).toEqual({ kind: 'info', text: 'x.json: 3 runs imported.' });
    expect(importNotice('x.json', { fresh: [], same: 0, different: 2 }).text).toBe('x.json: 0 runs imported (2 skipped: already here with other results).');
  });
});
