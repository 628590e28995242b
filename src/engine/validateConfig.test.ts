import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, makeConfig } from './config';
import { ConfigError, validateConfig } from './validateConfig';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.field;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('validateConfig', () => {
  it('accepts the defaults and a JSON round trip of them', () => {
    expect(validateConfig(JSON.parse(JSON.stringify(DEFAULT_CONFIG)))).toEqual(DEFAULT_CONFIG);
  });

  it('names the field of a negative learning rate', () => {
    expect(fieldOf(() => validateConfig(makeConfig({ optim: { lr: -0.1 } })))).toBe('optim.lr');
  });

  it('rejects a CIFAR ResNet depth that is not 6n+2', () => {
    expect(fieldOf(() => validateConfig(makeConfig({ model: { depth: 21 } })))).toBe('model.depth');
    expect(() => validateConfig(makeConfig({ model: { depth: 110 } }))).not.toThrow();
  });

  it('accepts the three dataset ids and names the field of any other', () => {
    for (const dataset of ['synthetic', 'cifar10', 'cifar100'] as const) {
      expect(validateConfig(makeConfig({ data: { dataset } })).data.dataset).toBe(dataset);
    }
    const imagenet = makeConfig() as unknown as { data: Record<string, unknown> };
    imagenet.data.dataset = 'imagenet';
    expect(() => validateConfig(imagenet)).toThrow('data.dataset: must be one of synthetic, cifar10, cifar100 (got "imagenet")');
  });

  it('rejects a batch larger than the dataset', () => {
    expect(fieldOf(() => validateConfig(makeConfig({ optim: { batchSize: 512 } }), { trainSize: 500 }))).toBe('optim.batchSize');
    expect(fieldOf(() => validateConfig(makeConfig({ optim: { batchSize: 64 }, data: { trainLimit: 32 } })))).toBe('optim.batchSize');
  });

  it('rejects unknown keys at any depth, and missing ones', () => {
    const extra = { ...makeConfig(), colour: 'red' };
    expect(fieldOf(() => validateConfig(extra))).toBe('colour');
    const nested = makeConfig() as unknown as { optim: Record<string, unknown> };
    nested.optim.lrr = 1;
    expect(fieldOf(() => validateConfig(nested))).toBe('optim.lrr');
    const missing = makeConfig() as unknown as { run: Record<string, unknown> };
    delete missing.run.seed;
    expect(fieldOf(() => validateConfig(missing))).toBe('run.seed');
  });

  it('rejects a newer schema version with a message saying which one this app reads', () => {
    expect(() => validateConfig({ ...makeConfig(), schemaVersion: 99 })).toThrow(/schemaVersion: must be 2/);
  });

  it('rejects unknown tricks, wrong types and non-objects', () => {
    expect(fieldOf(() => validateConfig(makeConfig({ tricks: { nope: { enabled: true, params: {} } } })))).toBe('tricks.nope');
    expect(fieldOf(() => validateConfig(makeConfig({ run: { epochs: 1.5 } })))).toBe('run.epochs');
    expect(fieldOf(() => validateConfig({ ...makeConfig(), model: 'big' }))).toBe('model');
    expect(fieldOf(() => validateConfig(null))).toBe('(config)');
  });

  it('ignores __proto__ in patches and rejects it in parsed JSON', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}');
    const merged = makeConfig(hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(validateConfig(merged)).toEqual(DEFAULT_CONFIG);
    const parsed = JSON.parse(JSON.stringify(DEFAULT_CONFIG).replace('{', '{"__proto__":{"x":1},'));
    expect(fieldOf(() => validateConfig(parsed))).toBe('__proto__');
  });

  it('refuses architecture tweaks where they would silently do nothing, saying what to change', () => {
    expect(() => validateConfig(makeConfig({ model: { resnetB: true } }))).toThrow(/^model.resnetB: .*bottleneck.*cifar-resnet has none/);
    expect(() => validateConfig(makeConfig({ model: { family: 'resnet18', resnetB: true } }))).toThrow(/^model.resnetB: /);
    expect(() => validateConfig(makeConfig({ model: { family: 'resnet50', resnetB: true } }))).not.toThrow();
    expect(() => validateConfig(makeConfig({ model: { resnetC: true } }))).toThrow(/^model.resnetC: .*CIFAR ResNet has a single 3×3 stem conv/);
    expect(() => validateConfig(makeConfig({ model: { family: 'resnet18', resnetC: true } }))).not.toThrow();
    // ResNet-D on the CIFAR ResNet modifies option B; option A has no projection to modify.
    expect(() => validateConfig(makeConfig({ model: { resnetD: true } }))).toThrow(/^model.resnetD: .*set model.shortcut to 'projection'/);
    expect(() => validateConfig(makeConfig({ model: { resnetD: true, shortcut: 'projection' } }))).not.toThrow();
    expect(fieldOf(() => validateConfig(makeConfig({ model: { shortcut: 'B' as never } })))).toBe('model.shortcut');
  });

  it('reads a version-1 config as the same network: option A, or option B under ResNet-D', () => {
    const v1 = (model: Record<string, unknown>) => {
      const c = JSON.parse(JSON.stringify(makeConfig())) as { schemaVersion: number; model: Record<string, unknown> };
      c.schemaVersion = 1;
      delete c.model.shortcut;
      Object.assign(c.model, model);
      return c;
    };
    expect(validateConfig(v1({})).model.shortcut).toBe('zero-pad');
    const d = validateConfig(v1({ resnetD: true }));
    expect([d.schemaVersion, d.model.shortcut, d.model.resnetD]).toEqual([2, 'projection', true]);
    expect(validateConfig(v1({ family: 'resnet50', resnetD: true })).model.shortcut).toBe('zero-pad');
  });
});
