import { describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../engine/config';
import { fakeResult } from '../../test/support/testRuns';
import { addPastRun, pastRunOf, updatePastRun, type PastRun } from './pastRuns';
import { MAX_STORED_CHARS, MAX_STORED_POINTS, PAST_RUNS_KEY, parseStoredPastRuns, readPastRuns, serializePastRuns, writePastRuns, type PastRunStorage } from './pastRunStore';

/** localStorage's three methods over a map. */
function memoryStorage(): PastRunStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

const withTricks = (ids: string[], patch: Parameters<typeof makeConfig>[0] = {}): ExperimentConfig => {
  const c = makeConfig(patch);
  for (const id of ids) c.tricks[id] = { enabled: true, params: c.tricks[id]?.params ?? {} };
  return c;
};
const run = (id: string, tricks: string[], kept: readonly PastRun[] = []) => pastRunOf(id, fakeResult(withTricks(tricks, { run: { epochs: 3 } }), 0.5), kept);
/** Three runs as the page keeps them: the second kept, the third hidden. */
function threeRuns(): PastRun[] {
  let list: PastRun[] = [];
  for (const [id, tricks] of [['run-a-1', []], ['run-a-2', ['labelSmoothing']], ['run-b-1', ['cosine', 'mixup']]] as const) list = addPastRun(list, run(id, [...tricks], list));
  return updatePastRun(updatePastRun(list, 'run-a-2', { pinned: true }), 'run-b-1', { hidden: true });
}
/** The stored JSON of `runs` with `edit` applied to its records. */
function storedWith(runs: PastRun[], edit: (records: Record<string, unknown>[]) => unknown[]): string {
  const data = JSON.parse(serializePastRuns(runs)) as { version: number; runs: Record<string, unknown>[] };
  return JSON.stringify({ ...data, runs: edit(data.runs) });
}

describe('keeping the earlier runs in the browser', () => {
  it('reads back what it wrote: configs, curves, colours, keep and show; labels derived from the configs', () => {
    const storage = memoryStorage();
    const runs = threeRuns();
    expect(writePastRuns(runs, storage)).toBe(true);
    const back = readPastRuns(storage);
    expect(back).toEqual(runs);
    expect(back.map((r) => [r.label, r.pinned, r.hidden])).toEqual([
      ['baseline', false, false],
      ['+ Label smoothing', true, false],
      ['+ Cosine learning rate decay + Mixup training', false, true],
    ]);
    expect(new Set(back.map((r) => r.color)).size).toBe(3);
  });

  it('keeps at most MAX_STORED_POINTS points of a long curve, its first and last among them', () => {
    const long = { ...run('r1', []), loss: Array.from({ length: 2000 }, (_, i) => ({ x: i + 1, y: 2 - i / 1000 })) };
    const [back] = parseStoredPastRuns(serializePastRuns([long]));
    expect(back.loss.length).toBeLessThanOrEqual(MAX_STORED_POINTS);
    expect(back.loss.length).toBeGreaterThan(MAX_STORED_POINTS / 2);
    expect(back.loss[0]).toEqual({ x: 1, y: 2 });
    expect(back.loss[back.loss.length - 1]).toEqual({ x: 2000, y: 2 - 1999 / 1000 });
    // Five runs at that length stay far below what is read back.
    expect(serializePastRuns(Array.from({ length: 5 }, (_, i) => ({ ...long, id: `r${i}` }))).length).toBeLessThan(MAX_STORED_CHARS / 4);
  });

  it('removes the entry when the list is cleared', () => {
    const storage = memoryStorage();
    writePastRuns(threeRuns(), storage);
    expect(storage.map.has(PAST_RUNS_KEY)).toBe(true);
    writePastRuns([], storage);
    expect(storage.map.has(PAST_RUNS_KEY)).toBe(false);
    expect(readPastRuns(storage)).toEqual([]);
  });

  it('gives up quietly when storage refuses: nothing read, the write reported as failed', () => {
    const broken: PastRunStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(readPastRuns(broken)).toEqual([]);
    expect(writePastRuns(threeRuns(), broken)).toBe(false);
    expect(readPastRuns(null)).toEqual([]);
  });
});

describe('a damaged or hostile stored list', () => {
  const runs = threeRuns();

  it('is read as an empty list when it is not JSON, of another version, too large or too deep', () => {
    for (const text of ['{"version":1,"runs":[', 'null', '[]', JSON.stringify({ version: 2, runs: JSON.parse(serializePastRuns(runs)).runs }), `{"version":1,"runs":[],"pad":"${'x'.repeat(MAX_STORED_CHARS)}"}`, `${'['.repeat(100)}${']'.repeat(100)}`]) {
      expect(parseStoredPastRuns(text)).toEqual([]);
    }
  });

  it('drops each bad record and keeps the others', () => {
    const bad: ((r: Record<string, unknown>) => unknown)[] = [
      () => 'not a record',
      (r) => ({ ...r, id: '<img src=x onerror=alert(1)>' }),
      (r) => ({ ...r, pinned: 'yes' }),
      (r) => ({ ...r, config: { ...(r.config as object), optim: { ...(r.config as ExperimentConfig).optim, batchSize: -1 } } }),
      (r) => ({ ...r, config: { ...(r.config as object), extra: 1 } }),
      (r) => ({ ...r, loss: [[1, null]] }),
      (r) => ({ ...r, loss: [[1, 2, 3]] }),
      (r) => ({ ...r, val: Array.from({ length: MAX_STORED_POINTS + 1 }, (_, i) => [i, 1]) }),
      (r) => JSON.parse(`{"id":"${r.id as string}","__proto__":{"polluted":true},"config":${JSON.stringify(r.config)},"loss":[],"val":[],"pinned":false,"hidden":false}`) as unknown,
      (r) => ({ ...r, config: JSON.parse(`{"constructor":{"prototype":{"polluted":true}}}`) as unknown }),
    ];
    for (const spoil of bad) {
      const back = parseStoredPastRuns(storedWith(runs, (records) => records.map((r, i) => (i === 1 ? spoil(r) : r))));
      expect(back.map((r) => r.id)).toEqual(['run-a-1', 'run-b-1']);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('derives labels again, replaces a colour outside the palette or taken, and keeps an id once', () => {
    const back = parseStoredPastRuns(
      storedWith(runs, (records) => [
        { ...records[0], label: 'forged', tricks: ['mixup'], color: 'red; background: url(https://x)' },
        { ...records[1], color: records[2].color },
        records[2],
        { ...records[2], hidden: false },
      ]),
    );
    expect(back.map((r) => r.id)).toEqual(['run-a-1', 'run-a-2', 'run-b-1']);
    expect(back[0].label).toBe('baseline');
    expect(back[0].tricks).toEqual([]);
    expect(back[0].color).toMatch(/^#[0-9A-F]{6}$/i);
    expect(back[1].color).toBe(runs[2].color);
    expect(new Set(back.map((r) => r.color)).size).toBe(3);
    expect(back[2].hidden).toBe(true);
  });

  it('gives the runs of one config one colour, the first of them stored', () => {
    const [a, b] = threeRuns();
    const again = { ...a, id: 'run-a-3', color: b.color };
    const back = parseStoredPastRuns(serializePastRuns([a, b, again]));
    expect(back.map((r) => r.color)).toEqual([a.color, b.color, a.color]);
  });
});
