// The architecture levers, generated from the registry: each sets a real config field to
// values the validator accepts, every applicable value builds a model that trains one step,
// and the levers that do not apply say why.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ExperimentConfig, type ModelConfig } from '../config';
import { runOneStep, tinyConfig } from '../../../test/support/testHarness';
import { validateConfig } from '../validateConfig';
import { getLever, leverValue, LEVERS, withLever } from './levers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const withModel = (patch: Partial<ModelConfig>, base: ExperimentConfig = DEFAULT_CONFIG): ExperimentConfig => ({ ...base, model: { ...base.model, ...patch } });

it('lists the levers once each, in order', () => {
  expect(LEVERS.map((l) => l.id)).toEqual(['family', 'depth', 'width', 'resolution', 'activation', 'se', 'skipConnections', 'shortcut', 'resnetB', 'resnetC', 'resnetD']);
});

/** A config where the lever applies: ResNet-B on ResNet-50, -C on ResNet-18, -D on option B shortcuts. */
const applicableBase = (id: string): ExperimentConfig =>
  id === 'resnetB' ? withModel({ family: 'resnet50' }) : id === 'resnetC' ? withModel({ family: 'resnet18' }) : id === 'resnetD' ? withModel({ shortcut: 'projection' }) : DEFAULT_CONFIG;

for (const lever of LEVERS) {
  describe(`lever ${lever.id}`, () => {
    it('names a config field whose default is one of its options', () => {
      expect(lever.options.map((o) => o.value)).toContain(leverValue(DEFAULT_CONFIG, lever));
      expect(lever.explanation.length).toBeGreaterThan(20);
      expect(lever.reference).toMatch(/\d{4}/);
    });

    it('sets every option to a config the validator accepts and reads it back', () => {
      for (const { value } of lever.options) {
        const config = withLever(applicableBase(lever.id), lever, value);
        expect(leverValue(config, lever)).toBe(value);
        expect(validateConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
      }
    });

    it('refuses a value outside its options, naming the field', () => {
      expect(() => withLever(DEFAULT_CONFIG, lever, 'nonsense')).toThrow(lever.field);
    });
  });
}

describe('levers on a tiny model', () => {
  // Small stand-ins where the full option would be slow on the CPU: ResNet-18/50 at width 1/16.
  const tiny = (lever: (typeof LEVERS)[number], value: number | string | boolean): ExperimentConfig => {
    let config = withLever(tinyConfig(), lever, value);
    if (lever.id === 'family' && value !== 'cifar-resnet') config = withModel({ widthMultiplier: 0.0625 }, config);
    if (lever.id === 'resnetB' || lever.id === 'resnetC') config = withModel({ family: 'resnet50', widthMultiplier: 0.0625 }, config);
    if (lever.id === 'resnetD') config = withModel({ shortcut: 'projection' }, config);
    if (lever.id === 'width') config = withModel({ widthMultiplier: (value as number) / 4 }, config);
    return config;
  };

  it('every applicable option trains one finite step', async () => {
    for (const lever of LEVERS) {
      for (const { value } of lever.options) {
        if (lever.id === 'depth' && (value as number) > 32) continue; // deep ones: model.test.ts counts them
        const config = tiny(lever, value);
        expect(lever.notApplicable(config)).toBeNull();
        const r = await runOneStep(config);
        expect(Number.isFinite(r.loss)).toBe(true);
      }
    }
  });

  it('ResNet-B needs bottlenecks, ResNet-C an ImageNet stem, depth the CIFAR ResNet, ResNet-D shortcuts', () => {
    const reason = (id: string, config: ExperimentConfig) => getLever(id)?.notApplicable(config) ?? null;
    expect(reason('resnetB', DEFAULT_CONFIG)).toMatch(/bottleneck/);
    expect(reason('resnetB', withModel({ family: 'resnet18' }))).toMatch(/bottleneck/);
    expect(reason('resnetB', withModel({ family: 'resnet50' }))).toBeNull();
    expect(reason('resnetC', DEFAULT_CONFIG)).toMatch(/ImageNet-style stem/);
    expect(reason('resnetC', withModel({ family: 'resnet18' }))).toBeNull();
    expect(reason('depth', withModel({ family: 'resnet50' }))).toMatch(/fixed depth/);
    expect(reason('resnetD', withModel({ skipConnections: false }))).toMatch(/skip connections/);
    expect(reason('resnetD', DEFAULT_CONFIG)).toMatch(/option B/);
    expect(reason('resnetD', withModel({ shortcut: 'projection' }))).toBeNull();
    expect(reason('resnetD', withModel({ family: 'resnet18' }))).toBeNull();
    expect(reason('shortcut', withModel({ family: 'resnet50' }))).toMatch(/always use projection/);
  });
});
