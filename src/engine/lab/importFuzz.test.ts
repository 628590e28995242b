/**
 * Hostile-input fuzzing of the results importer (parseImport), seeded so every input is
 * reproducible: random text, a valid lab export and run result cut at every length, mutated
 * byte by byte and field by field, inputs just over each limit, 10,000-deep nesting and
 * prototype-polluting keys everywhere. Each must be imported (and then pass validateConfig and
 * validatePlan like a hand-made config) or refused with an ImportError that names the file and
 * stays short; never another error, never slow, never a change to Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { fuzzOne, fuzzSuite, type FuzzTally } from '../../../test/support/fuzz/harness';
import { importChecked } from '../../../test/support/fuzz/labTargets';
import { mutateText, pick, truncationPoints } from '../../../test/support/fuzz/mutate';
import { HOSTILE_KEYS, HTML_PAYLOAD, jsonPaths, mutateJson, type Json } from '../../../test/support/fuzz/mutateJson';
import { createRng } from '../rng';
import { buildExport } from './exportFormat';
import { ImportError, MAX_CONTAINERS, MAX_DEPTH, MAX_IMPORT_BYTES, prescan } from './importLab';
import { createPlan } from './plan';
import { MAX_REASON_CHARS } from './shape';
import { fakeResult, labRun, testEnvironment, tinyConfig } from '../../../test/support/testRuns';

const config = makeConfig({ ...tinyConfig, tricks: { labelSmoothing: { enabled: true, params: { epsilon: 0.1 } } } });
const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing', 'mixup'], seeds: [1, 2] });
const diverged = { ...fakeResult(tinyConfig, Number.NaN), status: 'diverged' as const, message: 'diverged at step 3' };
const exported = buildExport(
  plan,
  [labRun('run-a', config, fakeResult(config, 0.5), { planKey: 'g0-s1', reference: true }), labRun('run-b', tinyConfig, diverged)],
  { backend: testEnvironment.backend, userAgent: 'vitest', runtime: 'node' },
  new Date('2025-02-03T04:05:06Z'),
);
const EXPORT = JSON.stringify(exported);
const RESULT = JSON.stringify(fakeResult(config, 0.4));
const NAME = 'lab-export.json';

/** Bits of JSON and of trouble, for inserting into text. */
const TOKENS = [
  '{', '}', '[', ']', ',', ':', '"', '\\', '"__proto__":{"polluted":true},', '"constructor":{"prototype":{"polluted":true}},',
  '1e999', '-1e999', 'NaN', 'Infinity', '-0', 'null', 'true', '"\\u0000"', '"\\ud800"', '0.1', '99999999999999999999',
  `"${HTML_PAYLOAD}"`, ' ', '\n', '\u2028', '\ufeff', '"runs":[]', '"format":"trick-lab-ablation"', '"schemaVersion":2',
];

const { track } = fuzzSuite(9000);

function fuzzImport(tally: FuzzTally, label: string, text: string, fileName = NAME) {
  return fuzzOne(tally, label, () => importChecked(text, fileName), { ownError: ImportError, mentions: fileName });
}

/** The message of a refusal, or 'accepted' (a crash fails the test at once). */
function outcome(tally: FuzzTally, label: string, text: string): string {
  const r = fuzzImport(tally, label, text);
  if (r === null) throw new Error(`crash: ${tally.crashes.at(-1)}`);
  return r.accepted ? 'accepted' : r.message;
}

const edit = (source: string, change: (doc: Record<string, unknown>) => void): string => {
  const doc = JSON.parse(source);
  change(doc);
  return JSON.stringify(doc);
};

describe('results importer fuzz', () => {
  it('the seeds import', () => {
    expect(importChecked(EXPORT, NAME).runs).toHaveLength(2);
    expect(importChecked(RESULT, NAME).kind).toBe('run-result');
  });

  it('random text: token soup, with and without a plausible start', () => {
    const tally = track('import random');
    const rng = createRng(401);
    for (let i = 0; i < 800; i++) {
      let text = rng.next() < 0.5 ? '{"format":"trick-lab-ablation","schemaVersion":1,' : '';
      const n = rng.int(120);
      for (let t = 0; t < n; t++) text += rng.next() < 0.8 ? pick(rng, TOKENS) : String.fromCharCode(rng.int(0x3000));
      fuzzImport(tally, `#${i}`, text);
    }
    expect(tally.crashes).toEqual([]);
    expect(tally.refused).toBe(800);
  });

  it('the export and a run result cut at every length', () => {
    const tally = track('import truncated');
    for (const [what, text] of [['export', EXPORT], ['result', RESULT]]) {
      for (const cut of truncationPoints(text.length, 3000)) fuzzImport(tally, `${what}[0:${cut}]`, text.slice(0, cut));
    }
    expect(tally.crashes).toEqual([]);
    expect(tally.accepted).toBe(0); // JSON cut short is never a whole document
  });

  it('the export and a run result mutated as text and as structure', () => {
    const tally = track('import mutated');
    const rng = createRng(402);
    for (const [what, text, n] of [['export', EXPORT, 1500], ['result', RESULT, 500]] as const) {
      const doc = JSON.parse(text) as Json;
      for (let i = 0; i < n; i++) fuzzImport(tally, `${what} text mutation #${i}`, mutateText(rng, text, TOKENS));
      for (let i = 0; i < n; i++) {
        const { value, what: change } = mutateJson(rng, doc);
        fuzzImport(tally, `${what} #${i}: ${change}`, JSON.stringify(value));
      }
    }
    expect(tally.crashes).toEqual([]);
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.messageKinds.size).toBeGreaterThan(30);
  });

  it('a prototype-polluting key in every object of the export is refused at its path', () => {
    const tally = track('import hostile keys');
    const doc = JSON.parse(EXPORT) as Json;
    const objects = jsonPaths(doc).filter((p) => {
      const v = p.reduce<Json>((o, k) => (o as Record<string, Json>)[k], doc);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    });
    expect(objects.length).toBeGreaterThan(30);
    for (const path of objects) {
      for (const key of HOSTILE_KEYS) {
        const copy = JSON.parse(EXPORT);
        const target = path.reduce((o, k) => o[k], copy);
        Object.defineProperty(target, key, { value: { polluted: true, prototype: { polluted: true } }, enumerable: true });
        const where = [...path, key].join('.');
        expect(outcome(tally, `${key} at ${where}`, JSON.stringify(copy))).toBe(`${NAME} was not imported: field ${where}: is not an allowed key.`);
      }
    }
    // Written with escapes, the key is the same once parsed.
    expect(outcome(tally, 'escaped', EXPORT.replace('{', '{"\\u005f_proto__":{"polluted":true},'))).toMatch(/field __proto__: is not an allowed key/);
    expect(tally.crashes).toEqual([]);
  });

  it('deep nesting: as the whole file, inside a config, and just around MAX_DEPTH', () => {
    const tally = track('import deep');
    const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const objects = (n: number) => '{"a":'.repeat(n) + '0' + '}'.repeat(n);
    const deep = new RegExp(`nested more than ${MAX_DEPTH} levels deep`);
    for (const n of [10_000, 100_000, 1_000_000]) {
      expect(outcome(tally, `arrays ${n}`, arrays(n))).toMatch(deep);
      expect(outcome(tally, `objects ${n}`, objects(n))).toMatch(deep);
      expect(outcome(tally, `config.name ${n}`, EXPORT.replace('"name":"baseline"', `"name":${objects(n)}`))).toMatch(deep);
    }
    // MAX_DEPTH arrays fit (then the top level is not an object); one more is refused.
    expect(outcome(tally, 'arrays 32', arrays(MAX_DEPTH))).toMatch(/the top level must be an object/);
    expect(outcome(tally, 'arrays 33', arrays(MAX_DEPTH + 1))).toMatch(deep);
    expect(tally.crashes).toEqual([]);
  });

  it('a flood of objects and arrays is refused before JSON.parse builds them', () => {
    // Regression: 64 MB of `[[],[],…]` passed the size check and froze the page in JSON.parse
    // for a minute (21 million arrays); 32 million nested `[` likewise.
    const tally = track('import flood');
    const flood = `{"a":[${'[],'.repeat(21_000_000)}[]]}`;
    expect(flood.length).toBeLessThan(MAX_IMPORT_BYTES);
    expect(outcome(tally, '21 million arrays', flood)).toBe(`${NAME} was not imported: it holds more than 2,000,000 objects and lists; a Trick Lab file holds at most about a million.`);
    const deep = '['.repeat(MAX_IMPORT_BYTES / 2) + ']'.repeat(MAX_IMPORT_BYTES / 2);
    expect(outcome(tally, '32 million nested arrays', deep)).toBe(`${NAME} was not imported: it is nested more than ${MAX_DEPTH} levels deep.`);
    expect(tally.crashes).toEqual([]);
    expect(tally.slowestMs).toBeLessThan(2000);
    // At the limits exactly, and brackets inside strings (escaped quotes too) are text, not structure.
    const lists = (n: number) => `[${'[],'.repeat(n - 2)}[]]`;
    expect(prescan(lists(MAX_CONTAINERS))).toBeNull();
    expect(prescan(lists(MAX_CONTAINERS + 1))).toMatch(/holds more than 2,000,000 objects and lists/);
    expect(prescan(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`)).toBeNull();
    expect(prescan(`${'['.repeat(MAX_DEPTH + 1)}`)).toMatch(/nested more than 32 levels/);
    expect(prescan(JSON.stringify({ a: `${'['.repeat(100)}"${'{'.repeat(100)}`, b: '\\' }))).toBeNull();
    // {"a":"\\" then 40 `[`: the escaped backslash does not escape the quote, so the string ends there.
    expect(prescan(JSON.stringify({ a: '\\' }).slice(0, -1) + '['.repeat(40))).toMatch(/nested more than 32 levels/);
  });

  it('just over each size limit', () => {
    const tally = track('import limits');
    const padded = EXPORT + ' '.repeat(MAX_IMPORT_BYTES - EXPORT.length);
    expect(outcome(tally, 'exactly MAX_IMPORT_BYTES', padded)).toBe('accepted');
    expect(outcome(tally, 'MAX_IMPORT_BYTES + 1', padded + ' ')).toBe(`${NAME} was not imported: it is larger than 64 MiB.`);
    const result = JSON.parse(RESULT);
    const steps = (n: number) => JSON.stringify({ ...result, steps: Array.from({ length: n }, (_, i) => ({ step: i + 1, epoch: 1, loss: 1, lr: 0.1, imagesPerSecond: 100 })) });
    expect(outcome(tally, '100,000 steps', steps(100_000))).toBe('accepted');
    expect(outcome(tally, '100,001 steps', steps(100_001))).toMatch(/field steps: has 100001 entries; at most 100000\.$/);
    const run = exported.runs[0];
    expect(outcome(tally, '5,001 runs', edit(EXPORT, (e) => (e.runs = Array.from({ length: 5001 }, (_, i) => ({ ...run, id: `r${i}` })))))).toMatch(
      /field runs: has 5001 entries; at most 5000\.$/,
    );
    const strings: [string, (e: Record<string, unknown>, s: string) => void, number][] = [
      ['runs.0.label', (e, s) => ((e.runs as { label: string }[])[0].label = s), 200],
      ['runs.0.result.message', (e, s) => ((e.runs as { result: { message: string } }[])[0].result.message = s), 10_000],
      ['environment.userAgent', (e, s) => ((e.environment as { userAgent: string }).userAgent = s), 1000],
      ['runs.0.result.config.name', (e, s) => ((e.runs as { result: { config: { name: string } } }[])[0].result.config.name = s), 200],
      ['plan.name', (e, s) => ((e.plan as { name: string }).name = s), 200],
    ];
    for (const [field, set, max] of strings) {
      expect(outcome(tally, `${field} of ${max}`, edit(EXPORT, (e) => set(e, 'x'.repeat(max))))).toBe('accepted');
      const over = outcome(tally, `${field} of ${max + 1}`, edit(EXPORT, (e) => set(e, 'x'.repeat(max + 1))));
      expect(over).toMatch(new RegExp(`field ${field.replace(/\./g, '\\.')}: must be a string of at most ${max} characters\\.$`));
    }
    // A 10 MB string is refused with a message of ordinary length. Regression: validateConfig
    // quotes the value it got, so the message for model.family was as long as the value.
    expect(outcome(tally, '10 MB name', edit(EXPORT, (e) => strings[3][1](e, 'x'.repeat(10_000_000)))).length).toBeLessThan(200);
    const family = (e: Record<string, unknown>) => ((e.runs as { result: { config: { model: { family: string } } } }[])[0].result.config.model.family = 'x'.repeat(10_000_000));
    const long = outcome(tally, '10 MB model.family', edit(EXPORT, family));
    expect(long).toMatch(/^lab-export\.json was not imported: field runs\.0\.result\.config\.model\.family: must be one of cifar-resnet, resnet18, resnet50 \(got "xxx/);
    expect(long.length).toBe(`${NAME} was not imported: `.length + MAX_REASON_CHARS);
    expect(long.endsWith('x…')).toBe(true);
    expect(tally.crashes).toEqual([]);
  });

  it('wrong types, NaN and Infinity as text, huge numbers: refused where they do not fit, numbers where they do', () => {
    const tally = track('import values');
    const set = (value: unknown) => (e: Record<string, unknown>) => ((e.runs as { result: { epochs: { valTop1: unknown }[] } }[])[0].result.epochs[0].valTop1 = value);
    for (const bad of ['NaN', 'Infinity', '1e999', '0.5', true, [], {}]) {
      expect(outcome(tally, `valTop1 = ${JSON.stringify(bad)}`, edit(EXPORT, set(bad)))).toMatch(/field runs\.0\.result\.epochs\.0\.valTop1: must be a finite number\.$/);
    }
    expect(outcome(tally, 'valTop1 = 1e999 literal', EXPORT.replace('"valTop1":0.5', '"valTop1":1e999'))).toMatch(/valTop1: must be a finite number/);
    // A number that fits the type but not the field: an accuracy is a fraction; a loss may be huge.
    expect(outcome(tally, 'valTop1 = 1e308', edit(EXPORT, set(1e308)))).toMatch(/field runs\.0\.result\.epochs\.0\.valTop1: must be from 0 to 1 \(got 1e\+308\)\.$/);
    const trainLoss = (value: unknown) => (e: Record<string, unknown>) => ((e.runs as { result: { epochs: { trainLoss: unknown }[] } }[])[0].result.epochs[0].trainLoss = value);
    expect(outcome(tally, 'trainLoss = 1e308', edit(EXPORT, trainLoss(1e308)))).toBe('accepted');
    const lr = (value: unknown) => (e: Record<string, unknown>) => ((e.runs as { result: { config: { optim: { lr: unknown } } } }[])[0].result.config.optim.lr = value);
    for (const bad of ['NaN', 'Infinity', '0.1', 1e308, -0, 2 ** 53 + 2]) {
      expect(outcome(tally, `lr = ${JSON.stringify(bad)}`, edit(EXPORT, lr(bad)))).toMatch(/field runs\.0\.result\.config\.optim\.lr: must/);
    }
    expect(tally.crashes).toEqual([]);
  });

  it('HTML in every name field comes back as the same plain text', () => {
    const tally = track('import html');
    const text = edit(EXPORT, (e) => {
      const runs = e.runs as { label: string; result: { config: { name: string }; dataset: { name: string }; message: string | null } }[];
      runs[0].label = HTML_PAYLOAD;
      runs[0].result.config.name = HTML_PAYLOAD;
      runs[0].result.dataset.name = HTML_PAYLOAD;
      runs[0].result.message = HTML_PAYLOAD;
      (e.plan as { name: string }).name = HTML_PAYLOAD;
      (e.environment as { userAgent: string }).userAgent = HTML_PAYLOAD;
    });
    const r = fuzzImport(tally, 'html', text);
    expect(r?.accepted).toBe(true);
    if (!r?.accepted) return;
    const run = r.value.runs[0];
    expect([run.label, run.config.name, run.result?.dataset.name, run.message, r.value.plan?.name]).toEqual(Array(5).fill(HTML_PAYLOAD));
    expect(fuzzImport(tally, 'html file name', '{}', `${HTML_PAYLOAD}.json`)).toEqual({
      accepted: false,
      message: `${HTML_PAYLOAD}.json was not imported: it is neither a lab export (format "trick-lab-ablation") nor a run's results from npm run train.`,
    });
  });
});

