import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import type { RunResult } from '../results';
import { buildExport, EXPORT_SCHEMA_VERSION, type LabExport } from './exportFormat';
import { ImportError, MAX_DEPTH, MAX_IMPORT_BYTES, parseImport } from './importLab';
import { createPlan, expandPlan } from './plan';
import { summarise } from './summary';
import { labRun, testEnvironment, tinyConfig, trainTiny } from '../../../test/support/testRuns';

const schema = JSON.parse(readFileSync(new URL('../../../docs/lab-export.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
// Dates are checked as ISO 8601 date-times (ajv-formats is not needed for this one format).
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s) });
const validateExport = ajv.compile(schema);
const validateRunResult = ajv.getSchema(`${schema.$id}#/$defs/runResult`)!;

const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1] });
const planned = expandPlan(plan).runs;
let results: RunResult[];
let exported: LabExport;
let text: string;

beforeAll(async () => {
  // Real runs: the plan's two configs, and one that diverges (its loss explodes).
  const diverging = makeConfig({ ...tinyConfig, name: 'diverging', optim: { ...tinyConfig.optim, lr: 1e4, batchSize: 4, momentum: 0.99 } });
  results = [await trainTiny(planned[0].config), await trainTiny(planned[1].config), await trainTiny(diverging)];
  const runs = [
    labRun('run-a', planned[0].config, results[0], { planKey: 'g0-s1', reference: true }),
    labRun('run-b', planned[1].config, results[1], { planKey: 'g1-s1' }),
    labRun('run-c', diverging, results[2]),
    labRun('run-q', planned[0].config, null), // queued: not exported
  ];
  exported = buildExport(plan, runs, { backend: testEnvironment.backend, userAgent: 'vitest', runtime: 'node' }, new Date('2025-02-03T04:05:06Z'));
  text = JSON.stringify(exported);
});

/** The message of the ImportError parseImport throws for `content`. */
function refusal(content: string, name = 'bad.json'): string {
  try {
    parseImport(content, name);
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
}

const mutated = (edit: (e: Record<string, unknown>) => void): string => {
  const copy = JSON.parse(text);
  edit(copy);
  return JSON.stringify(copy);
};

describe('the adapter record', () => {
  it('imports with or without isFallbackAdapter and shaderF16, and refuses non-boolean ones', () => {
    const withAdapter = (adapter: Record<string, unknown>) =>
      mutated((e) => {
        for (const run of e.runs as { result: { environment: { backend: { name: string; adapter: unknown } } } }[]) {
          run.result.environment.backend = { ...run.result.environment.backend, name: 'webgpu', adapter };
        }
      });
    const base = { vendor: 'google', architecture: 'swiftshader', description: '' };
    for (const adapter of [base, { ...base, isFallbackAdapter: true }, { ...base, isFallbackAdapter: false, shaderF16: true }, { ...base, shaderF16: false }]) {
      const content = withAdapter(adapter);
      expect(validateExport(JSON.parse(content))).toBe(true);
      expect(parseImport(content, 'a.json').runs[0].result?.environment.backend.adapter).toEqual(adapter);
    }
    expect(refusal(withAdapter({ ...base, isFallbackAdapter: 'yes' }))).toMatch(/isFallbackAdapter: must be true or false/);
    expect(refusal(withAdapter({ ...base, shaderF16: 1 }))).toMatch(/shaderF16: must be true or false/);
  });
});

describe('lab export', () => {
  it('validates against docs/lab-export.schema.json, diverged run included', () => {
    expect(results.map((r) => r.status)).toEqual(['finished', 'finished', 'diverged']);
    const parsed = JSON.parse(text);
    const ok = validateExport(parsed);
    expect(validateExport.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(parsed.runs).toHaveLength(3);
    expect(parsed.runs[2].result.message).toMatch(/diverged at step/);
    expect(parsed.environment.appVersion).toBe('0.1.0');
    expect(parsed.exportedAt).toBe('2025-02-03T04:05:06.000Z');
  });

  it('a single RunResult (npm run train) validates against the schema\'s runResult', () => {
    expect(validateRunResult(JSON.parse(JSON.stringify(results[0])))).toBe(true);
  });

  it('the schema rejects what the importer rejects (unknown key, bad status)', () => {
    expect(validateExport(JSON.parse(mutated((e) => (e.extra = 1))))).toBe(false);
    expect(validateExport(JSON.parse(mutated((e) => ((e.runs as { result: { status: string } }[])[0].result.status = 'great'))))).toBe(false);
  });
});

describe('export summary (schema 2)', () => {
  it('carries per config the seed outcomes, the paired Δ, its interval and every pair', () => {
    const s = exported.summary!;
    expect(s.map((c) => [c.label, c.reference, c.runIds, c.seedStatus])).toEqual([
      ['baseline', true, ['run-a'], '1 of 1 seed finished'],
      ['+ Label smoothing', false, ['run-b'], '1 of 1 seed finished'],
      ['diverging', false, ['run-c'], '0 of 1 seed finished; 1 diverged'],
    ]);
    const d = s[1].delta!;
    const diff = results[1].final!.valTop1 - results[0].final!.valTop1;
    expect(d).toEqual({ metric: 'final valTop1', confidence: 0.95, mean: diff, ciLow: null, ciHigh: null, n: 1, excludesZero: false, pairs: [{ seed: 1, reference: results[0].final!.valTop1, value: results[1].final!.valTop1, difference: diff }] });
    // The diverged config has no seed finished in both arms: no Δ, and its seeds say why.
    expect(s[2].delta).toBeNull();
    expect(s[2].seeds).toMatchObject({ seeds: 1, finished: 0, diverged: 1 });
  });

  it('the schema requires the summary in version 2 and forbids it in version 1', () => {
    expect(validateExport(JSON.parse(mutated((e) => delete e.summary)))).toBe(false);
    expect(validateExport(JSON.parse(mutated((e) => (e.schemaVersion = 1))))).toBe(false);
    expect(validateExport(JSON.parse(mutated((e) => ((e.schemaVersion = 1), delete e.summary))))).toBe(true);
  });

  it('a version 1 file (no summary) still imports, to the same table', () => {
    const v1 = parseImport(mutated((e) => ((e.schemaVersion = 1), delete e.summary)), 'old.json');
    expect(summarise(v1.runs)).toEqual(summarise(parseImport(text, 'new.json').runs));
  });

  it('a summary of the wrong shape is refused, naming the field', () => {
    expect(refusal(mutated((e) => ((e.summary as { delta: unknown }[])[1].delta = { mean: 'big' })))).toMatch(/field summary\.1\.delta\.\w+/);
  });
});

describe('parseImport', () => {
  it('reads an export back: same runs, same table', () => {
    const imported = parseImport(text, 'lab.json');
    expect(imported.kind).toBe('lab-export');
    expect(imported.plan).toEqual(plan);
    expect(imported.runs.map((r) => [r.id, r.status, r.source, r.origin])).toEqual([
      ['run-a', 'finished', 'imported', 'lab.json'],
      ['run-b', 'finished', 'imported', 'lab.json'],
      ['run-c', 'diverged', 'imported', 'lab.json'],
    ]);
    const before = summarise([labRun('run-a', planned[0].config, results[0], { reference: true }), labRun('run-b', planned[1].config, results[1])]);
    const after = summarise(imported.runs.slice(0, 2));
    expect(after).toEqual(before);
    // JSON's null for NaN (a run that diverged to NaN) comes back as NaN.
    const withNaN = parseImport(mutated((e) => ((e.runs as { result: { steps: { loss: number | null }[] } }[])[2].result.steps[0].loss = null)), 'lab.json');
    expect(Number.isNaN(withNaN.runs[2].steps[0].loss)).toBe(true);
  });

  it('reads a single RunResult from npm run train, with a stable id', () => {
    const a = parseImport(JSON.stringify(results[0]), 'results.json');
    expect(a.kind).toBe('run-result');
    expect(a.runs).toHaveLength(1);
    expect(a.runs[0].label).toBe('baseline');
    expect(a.runs[0].result?.final).toEqual(results[0].final);
    expect(parseImport(JSON.stringify(results[0]), 'again.json').runs[0].id).toBe(a.runs[0].id);
  });

  it('refuses a file that is not JSON', () => {
    expect(refusal('{"format": "trick-lab-ablation",', 'broken.json')).toMatch(/^broken\.json was not imported: it is not valid JSON/);
    expect(refusal('<html></html>')).toMatch(/not valid JSON/);
  });

  it('refuses JSON of another kind', () => {
    expect(refusal('[1, 2, 3]')).toMatch(/top level must be an object/);
    expect(refusal('{"hello": "world"}')).toMatch(/neither a lab export .* nor a run's results/);
  });

  it('refuses a newer schema version, saying so', () => {
    const msg = refusal(mutated((e) => (e.schemaVersion = EXPORT_SCHEMA_VERSION + 1)));
    expect(msg).toMatch(/newer version of Trick Lab \(export schema 3; this app reads 2\)/);
    expect(refusal(mutated((e) => (e.schemaVersion = 0)))).toMatch(/export schema 0 is not one this app reads/);
    expect(refusal(JSON.stringify({ ...results[0], schemaVersion: 9 }))).toMatch(/newer version .*results schema 9/);
  });

  it('refuses the wrong shape, naming the field', () => {
    expect(refusal(mutated((e) => (e.surprise = true)))).toMatch(/field surprise: unknown key/);
    expect(refusal(mutated((e) => ((e.runs as { result: { epochs: unknown } }[])[1].result.epochs = 'many')))).toMatch(/field runs\.1\.result\.epochs: must be a list/);
    expect(refusal(mutated((e) => ((e.runs as { result: { status: string } }[])[0].result.status = 'great')))).toMatch(/runs\.0\.result\.status: must be one of/);
  });

  it('passes every config through validateConfig', () => {
    const msg = refusal(mutated((e) => ((e.runs as { result: { config: { optim: { lr: number } } } }[])[0].result.config.optim.lr = -3)));
    expect(msg).toMatch(/field runs\.0\.result\.config\.optim\.lr: must be positive/);
    expect(refusal(mutated((e) => ((e.plan as { baseline: { model: { depth: number } } }).baseline.model.depth = 9)))).toMatch(/plan\.baseline\.model\.depth: must be 6n\+2/);
    const single = { ...results[0], config: { ...results[0].config, optim: { ...results[0].config.optim, batchSize: 0 } } };
    expect(refusal(JSON.stringify(single))).toMatch(/was not imported: field config\.optim\.batchSize: must be between 1 and 8192/);
    expect(refusal(mutated((e) => ((e.runs as { result: { config: { tricks: unknown } } }[])[0].result.config.tricks = { warpdrive: { enabled: true, params: {} } })))).toMatch(
      /tricks\.warpdrive: unknown trick/,
    );
  });

  it('refuses a huge file before parsing it', () => {
    const huge = ' '.repeat(MAX_IMPORT_BYTES + 1);
    expect(refusal(huge)).toMatch(/larger than 64 MiB/);
  });

  it('refuses hostile keys (__proto__, constructor, prototype) anywhere, and pollutes nothing', () => {
    const proto = text.replace('"format":', '"__proto__": {"polluted": true}, "format":');
    expect(refusal(proto)).toMatch(/field __proto__: is not an allowed key/);
    const nested = mutated((e) => ((e.runs as { result: { config: Record<string, unknown> } }[])[0].result.config['constructor'] = { prototype: { polluted: true } }));
    expect(refusal(nested)).toMatch(/runs\.0\.result\.config\.constructor: is not an allowed key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(refusal(deep)).toMatch(new RegExp(`nested more than ${MAX_DEPTH} levels`));
  });

  it('refuses two runs with the same id', () => {
    expect(refusal(mutated((e) => ((e.runs as { id: string }[])[1].id = 'run-a')))).toMatch(/two runs have the same id/);
  });
});
