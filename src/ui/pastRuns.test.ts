import { describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../engine/config';
import { expandPlan } from '../engine/lab/plan';
import { validatePlan } from '../engine/lab/validatePlan';
import { fakeResult } from '../../test/support/testRuns';
import { PALETTE } from './colors';
import { addPastRun, MAX_PAST_RUNS, pastRunOf, planFromRuns, runLabel, tricksOn, updatePastRun, type PastRun } from './pastRuns';

const withTricks = (ids: string[], patch: Parameters<typeof makeConfig>[0] = {}): ExperimentConfig => {
  const c = makeConfig(patch);
  for (const id of ids) c.tricks[id] = { enabled: true, params: c.tricks[id]?.params ?? {} };
  return c;
};
const run = (id: string, tricks: string[], kept: readonly PastRun[] = [], patch: Parameters<typeof makeConfig>[0] = {}) =>
  pastRunOf(id, fakeResult(withTricks(tricks, patch), 0.5), kept);

describe('labels and series of a finished run', () => {
  it('names the tricks on in registry order, or the baseline', () => {
    expect(runLabel([])).toBe('baseline');
    expect(runLabel(tricksOn(withTricks(['mixup', 'cosine'])))).toBe('+ Cosine learning rate decay + Mixup training');
  });

  it('keeps the loss per step and the validation top-1 in percent', () => {
    const r = run('a', ['cosine']);
    expect(r.loss).toEqual([{ x: 1, y: 1 }]);
    expect(r.val).toEqual([{ x: 1, y: 50 }]);
    expect(r.tricks).toEqual(['cosine']);
  });

  it('gives each config a colour no other kept config has, and a config its kept colour', () => {
    const a = run('a', []);
    const b = run('b', ['cosine'], [a]);
    const c = run('c', ['mixup'], [b]);
    expect(a.color).toBe(PALETTE[0]);
    expect(b.color).toBe(PALETTE[1]);
    expect(c.color).toBe(PALETTE[0]); // a is no longer kept, so its colour is free again
    // The same config again (another seed) is drawn in its colour, in charts and list alike.
    expect(run('d', ['cosine'], [a, b], { run: { seed: 7 } }).color).toBe(b.color);
    expect(run('e', ['cosine'], [a, b], { run: { epochs: 3 } }).color).toBe(PALETTE[2]);
  });
});

describe('the list of past runs', () => {
  const five = (): PastRun[] => ['a', 'b', 'c', 'd', 'e'].reduce<PastRun[]>((list, id) => addPastRun(list, run(id, [], list)), []);

  it('holds at most five: a sixth pushes out the oldest', () => {
    expect(MAX_PAST_RUNS).toBe(5);
    const list = addPastRun(five(), run('f', []));
    expect(list.map((r) => r.id)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('never pushes out a kept run: the oldest run not kept goes instead', () => {
    const list = addPastRun(updatePastRun(five(), 'a', { pinned: true }), run('f', []));
    expect(list.map((r) => r.id)).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('adds nothing when every run is kept, and a run only once', () => {
    let list = five();
    for (const id of ['a', 'b', 'c', 'd', 'e']) list = updatePastRun(list, id, { pinned: true });
    expect(addPastRun(list, run('f', [])).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(addPastRun(list.slice(0, 2), list[0])).toHaveLength(2);
  });

  it('hides and shows a run without removing it', () => {
    const list = updatePastRun(five(), 'c', { hidden: true });
    expect(list.filter((r) => r.hidden).map((r) => r.id)).toEqual(['c']);
    expect(updatePastRun(list, 'c', { hidden: false }).every((r) => !r.hidden)).toBe(true);
  });
});

describe('sending the runs to the lab', () => {
  it('makes a valid hand-made plan: one entry per distinct set of tricks over the first run with tricks off', () => {
    const runs = [run('a', []), run('b', ['labelSmoothing', 'cosine']), run('c', ['cosine']), run('d', ['cosine'])];
    const { plan, notes } = planFromRuns(runs);
    expect(validatePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
    expect(plan.mode).toBe('custom');
    expect(plan.variants).toEqual([
      { label: 'baseline', tricks: [] },
      { label: '+ Cosine learning rate decay + Label smoothing', tricks: ['cosine', 'labelSmoothing'] },
      { label: '+ Cosine learning rate decay', tricks: ['cosine'] },
    ]);
    expect(plan.tricks).toEqual(['cosine', 'labelSmoothing']);
    expect(Object.values(plan.baseline.tricks).every((t) => !t.enabled)).toBe(true);
    const groups = expandPlan(plan).groups;
    expect(groups.map((g) => g.config.tricks.cosine?.enabled === true)).toEqual([false, true, true]);
    expect(notes).toEqual([]);
  });

  it('says which settings other than tricks differed (the first run\'s are used), the seed aside', () => {
    const runs = [run('a', [], [], { run: { epochs: 3, seed: 1 } }), run('b', ['cosine'], [], { run: { epochs: 4, seed: 2 } }), run('c', ['mixup'], [], { run: { epochs: 3, seed: 9 } })];
    expect(planFromRuns(runs).notes).toEqual(['+ Cosine learning rate decay had other run settings than baseline; the plan uses baseline\'s']);
  });

  it('refuses an empty list with a message', () => {
    expect(() => planFromRuns([])).toThrow(/finish a run first/);
  });
});
