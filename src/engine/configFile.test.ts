import { describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { ConfigFileError, MAX_CONFIG_FILE_BYTES, parseConfigFile } from './configFile';
import { MAX_CONTAINERS, MAX_DEPTH } from './lab/importLab';
import { MAX_REASON_CHARS } from './lab/shape';
import { fakeResult } from '../../test/support/testRuns';

const config = makeConfig({ name: 'tiny', model: { depth: 8, widthMultiplier: 0.25 }, data: { resolution: 16, trainLimit: 64 }, optim: { batchSize: 32 } });

/** The error a file is refused with. */
function refusal(text: string, name = 'bad.json'): ConfigFileError {
  try {
    parseConfigFile(text, name);
  } catch (err) {
    if (err instanceof ConfigFileError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

/** A config as JSON with one field replaced (a dotted path). */
function withField(path: string, value: unknown, base: object = config): string {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
  return JSON.stringify(copy);
}

describe('parseConfigFile', () => {
  it('opens a config JSON as it was saved', () => {
    expect(parseConfigFile(JSON.stringify(config, null, 2), 'tiny.json')).toEqual({ kind: 'config', config });
  });

  it('merges a partial config over the defaults, as npm run train does', () => {
    const partial = { model: { depth: 8 }, run: { epochs: 2 } };
    expect(parseConfigFile(JSON.stringify(partial), 'run.json').config).toEqual(makeConfig(partial));
    expect(refusal('{"schemaVersion": 3}').message).toBe('bad.json was not opened: field schemaVersion: must be 2 (got 3); this app reads config schema 2');
  });

  it("takes the config of a run's results JSON", () => {
    const result = fakeResult(config, 0.42);
    expect(parseConfigFile(JSON.stringify(result), 'run.json')).toEqual({ kind: 'run-result', config });
  });

  it('keeps markup in the name as plain data (the UI shows it as text)', () => {
    const payload = '<img src=x onerror=window.__xss=1>';
    expect(parseConfigFile(withField('name', payload), 'x.json').config.name).toBe(payload);
  });

  it('names the file and the field of a config validateConfig refuses', () => {
    const err = refusal(withField('model.depth', 21), 'deep.json');
    expect(err.field).toBe('model.depth');
    expect(err.message).toBe('deep.json was not opened: field model.depth: must be 6n+2 for a CIFAR ResNet (20, 32, 44, 56, 110; got 21)');
    expect(refusal(withField('optim.lr', -1)).field).toBe('optim.lr');
    expect(refusal(withField('model.colour', 'red')).message).toBe('bad.json was not opened: field model.colour: unknown key');
    expect(refusal(withField('run', 'fast')).message).toBe('bad.json was not opened: field run: must be an object');
    expect(refusal(withField('tricks.mixup', { enabled: true, params: { alpha: 99 } })).field).toBe('tricks.mixup.params.alpha');
  });

  it("prefixes the field with config. inside a run's results", () => {
    const result = fakeResult(config, 0.42);
    expect(refusal(withField('config.optim.batchSize', 0, result)).message).toBe('bad.json was not opened: field config.optim.batchSize: must be between 1 and 8192 (got 0)');
    expect(refusal(withField('config', 7, result)).message).toBe('bad.json was not opened: field config: must be an object');
  });

  it('refuses __proto__, constructor and prototype keys before reading any field, and pollutes nothing', () => {
    const top = `{"__proto__": {"polluted": 1}, ${JSON.stringify(config).slice(1)}`;
    expect(refusal(top).message).toBe('bad.json was not opened: field __proto__: is not an allowed key');
    const nested = JSON.stringify(config).replace('"model":{', '"model":{"constructor":{"prototype":{"polluted":1}},');
    expect(refusal(nested).field).toBe('model.constructor');
    expect(refusal(withField('tricks', JSON.parse('{"__proto__": {"enabled": true}}'))).field).toBe('tricks.__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses deep nesting and masses of objects before parsing, as the lab import does', () => {
    const deep = `{"name": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(refusal(deep).message).toBe(`bad.json was not opened: it is nested more than ${MAX_DEPTH} levels deep.`);
    const many = `{"name": [${'[],'.repeat(MAX_CONTAINERS)}[]]}`;
    expect(refusal(many).message).toMatch(/^bad\.json was not opened: it holds more than 2,000,000 objects and lists/);
  });

  it('clips a refusal that quotes a huge value to a readable length', () => {
    const err = refusal(withField('model.family', 'x'.repeat(100_000)));
    expect(err.field).toBe('model.family');
    expect(err.message.length).toBeLessThanOrEqual('bad.json was not opened: '.length + MAX_REASON_CHARS);
    expect(err.message).toMatch(/^bad\.json was not opened: field model\.family: must be one of cifar-resnet, resnet18, resnet50 \(got "x+…$/);
  });

  it('refuses a file over the size limit before parsing it', () => {
    const err = refusal(' '.repeat(MAX_CONFIG_FILE_BYTES + 1), 'huge.json');
    expect(err.field).toBeNull();
    expect(err.message).toBe('huge.json was not opened: it is larger than 64 MiB.');
  });

  it('says what is wrong with files that are not configs at all', () => {
    expect(refusal('{"name": "x",', 'broken.json').message).toMatch(/^broken\.json was not opened: it is not valid JSON \(/);
    expect(refusal('[1, 2]').message).toBe('bad.json was not opened: the top level must be an object (an experiment config or a run’s results).');
    expect(refusal('"just text"').field).toBeNull();
    expect(refusal('{"hello": "world"}').message).toBe('bad.json was not opened: it is neither an experiment config nor a run’s results JSON.');
    expect(refusal('{"format": "trick-lab-ablation", "runs": []}').message).toMatch(/lab export; import it in the Ablation lab tab/);
  });
});
