import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, makeConfig } from './config';
import { CONFIG_FIELDS, CONFIG_PATHS, fieldSpec, getAt, setAt, type ConfigPath } from './configFields';
import { validateConfig } from './validateConfig';

/** Dotted paths of every leaf of an object (arrays are leaves). */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('the config field table', () => {
  it('makes the defaults: the baseline recipe, in the config key order', () => {
    expect(JSON.stringify(DEFAULT_CONFIG)).toBe(
      JSON.stringify({
        schemaVersion: 2,
        name: 'baseline',
        model: { family: 'cifar-resnet', depth: 20, widthMultiplier: 1, activation: 'relu', se: false, skipConnections: true, resnetB: false, resnetC: false, resnetD: false, shortcut: 'zero-pad' },
        data: { dataset: 'synthetic', trainLimit: null, valLimit: null, valFraction: 0.1, resolution: 32, augment: { crop: true, padding: 4, flip: true } },
        optim: { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4, batchSize: 128 },
        schedule: { kind: 'step', milestones: [0.5, 0.75], gamma: 0.1 },
        run: { epochs: 30, seed: 1, logEvery: 10, backend: 'auto', kernels: 'compiled' },
        tricks: {},
      }),
    );
  });

  it('declares every leaf of the config once (tricks declare their own)', () => {
    const configLeaves = leaves(DEFAULT_CONFIG).filter((p) => p !== 'schemaVersion' && p !== 'tricks');
    expect([...CONFIG_PATHS].sort()).toEqual(configLeaves.sort());
  });

  it('gives every default a value its own check accepts', () => {
    for (const path of CONFIG_PATHS) expect(validateConfig(setAt(makeConfig(), path, fieldSpec(path).default as never))).toBeTruthy();
  });

  it("drives the validator's ranges: each number's max passes, just above it is refused with the range", () => {
    const numbers = CONFIG_PATHS.filter((p) => fieldSpec(p).kind === 'number' || fieldSpec(p).kind === 'limit');
    expect(numbers).toEqual(expect.arrayContaining(['model.depth', 'optim.lr', 'run.seed', 'data.trainLimit']));
    for (const path of numbers) {
      const spec = fieldSpec(path) as { min: number; max: number; integer?: boolean };
      expect(() => validateConfig(setAt(makeConfig(), path, spec.max as never))).not.toThrow();
      const above = spec.integer || fieldSpec(path).kind === 'limit' ? spec.max + 1 : spec.max * 1.5;
      expect(() => validateConfig(setAt(makeConfig(), path, above as never))).toThrow(`${path}: must be between ${spec.min} and ${spec.max} (got ${above})`);
    }
  });

  it('the learning rate: positive up to 1e6, the same range in every form', () => {
    expect(CONFIG_FIELDS['optim.lr']).toMatchObject({ min: 1e-8, max: 1e6 });
    expect(() => validateConfig(makeConfig({ optim: { lr: 0 } }))).toThrow('optim.lr: must be positive (got 0)');
    expect(validateConfig(makeConfig({ optim: { lr: 100 } })).optim.lr).toBe(100);
  });
});

describe('getAt / setAt', () => {
  it('reads and replaces one leaf, leaving the input and the other branches alone', () => {
    const config = makeConfig();
    const next = setAt(config, 'data.augment.padding', 2);
    expect(getAt(next, 'data.augment.padding')).toBe(2);
    expect(getAt(config, 'data.augment.padding')).toBe(4);
    expect(next.model).toBe(config.model);
    expect(next.data.augment.crop).toBe(true);
  });

  it('reads every path of the defaults as its table default', () => {
    for (const path of CONFIG_PATHS) expect(getAt(DEFAULT_CONFIG, path as ConfigPath)).toEqual(fieldSpec(path).default);
  });
});
