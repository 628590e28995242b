import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { tinyConfig } from '../../../test/support/testRuns';
import { buildExport } from './exportFormat';
import { ImportError, parseImport } from './importLab';
import { createPlan } from './plan';
import { datasetMismatch, describeDataset, followDataset, otherDatasetNote, planDatasetOf, sameDataset, type PlanDataset } from './planDataset';
import { PlanError, validatePlan } from './validatePlan';

const synthetic: PlanDataset = { id: 'synthetic', name: 'Synthetic', trainCount: 5000, testCount: 1000 };
const cifar10: PlanDataset = { id: 'cifar10', name: 'CIFAR-10', trainCount: 50000, testCount: 10000 };
const cifar10Hub: PlanDataset = { ...cifar10, name: 'CIFAR-10 (Hugging Face)' };
const schema = JSON.parse(readFileSync(new URL('../../../docs/lab-export.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
ajv.compile(schema);
const validatePlanSchema = ajv.getSchema(`${schema.$id}#/$defs/plan`)!;

function planError(value: unknown): string {
  try {
    validatePlan(value);
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('the dataset a plan records', () => {
  it('is the same set when the id and both split sizes agree, whatever the copy is called', () => {
    expect(sameDataset(cifar10, cifar10Hub)).toBe(true);
    expect(sameDataset(cifar10, { ...cifar10, testCount: 0 })).toBe(false);
    expect(sameDataset(cifar10, { ...cifar10, id: 'cifar100' })).toBe(false);
    expect(describeDataset(cifar10)).toBe('CIFAR-10 (50,000 training, 10,000 test images)');
    expect(describeDataset({ ...synthetic, testCount: 0 })).toBe('Synthetic (5,000 training, no test split)');
  });

  it('keeps only id, name and sizes of the loaded set', () => {
    const info = { ...cifar10, classNames: ['airplane'], note: 'read from storage' };
    expect(planDatasetOf(info)).toEqual(cifar10);
  });

  it('names both sets when the loaded one is not the recorded one', () => {
    expect(datasetMismatch(undefined, synthetic)).toBeNull();
    expect(datasetMismatch(null, synthetic)).toBeNull();
    expect(datasetMismatch(cifar10, cifar10Hub)).toBeNull();
    expect(datasetMismatch(cifar10, synthetic)).toBe(
      'This plan was made for CIFAR-10 (50,000 training, 10,000 test images), but Synthetic (5,000 training, 1,000 test images) is loaded. Load CIFAR-10 in the planner, or plan for the loaded set.',
    );
  });

  it('notes, for the Node runner, a set other than the recorded one', () => {
    expect(otherDatasetNote(undefined, synthetic)).toBeNull();
    expect(otherDatasetNote(cifar10Hub, cifar10)).toBeNull();
    expect(otherDatasetNote(cifar10, { ...cifar10, trainCount: 200, testCount: 0 })).toBe(
      'the plan was made for CIFAR-10 (50,000 training, 10,000 test images); these runs train on CIFAR-10 (200 training, no test split)',
    );
  });

  it('follows the loaded set unless the plan was made for another', () => {
    // A plan with none records the first set loaded.
    expect(followDataset(undefined, null, synthetic)).toEqual(synthetic);
    // Switching from the recorded set to another: the plan follows.
    expect(followDataset(synthetic, synthetic, cifar10)).toEqual(cifar10);
    // Nothing loaded: unchanged.
    expect(followDataset(cifar10, synthetic, null)).toBe(cifar10);
    // A plan from a link made for CIFAR-10 while synthetic was loaded, then CIFAR-100 loaded: it keeps CIFAR-10.
    const cifar100: PlanDataset = { id: 'cifar100', name: 'CIFAR-100', trainCount: 50000, testCount: 10000 };
    expect(followDataset(cifar10, synthetic, cifar100)).toBe(cifar10);
    // The same set again (another copy): unchanged, same object.
    expect(followDataset(cifar10, synthetic, cifar10Hub)).toBe(cifar10);
  });
});

describe('a plan with a dataset', () => {
  const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1], dataset: cifar10 });

  it('validates, as do plans that record none (older plans)', () => {
    expect(validatePlan(structuredClone(plan)).dataset).toEqual(cifar10);
    const old = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1] });
    expect('dataset' in old).toBe(false);
    expect(validatePlan(old).dataset).toBeUndefined();
    expect(validatePlan({ ...old, dataset: null }).dataset).toBeNull();
    expect(validatePlanSchema(plan)).toBe(true);
    expect(validatePlanSchema(old)).toBe(true);
  });

  it('refuses a bad dataset record, naming the field', () => {
    expect(planError({ ...plan, dataset: 'cifar10' })).toBe('dataset: must be null or { id, name, trainCount, testCount }');
    expect(planError({ ...plan, dataset: { ...cifar10, id: 'mnist' } })).toBe('dataset.id: must be one of synthetic, cifar10, cifar100 (got "mnist")');
    expect(planError({ ...plan, dataset: { ...cifar10, trainCount: 0 } })).toBe('dataset.trainCount: must be a whole number from 1 to 100000000');
    expect(planError({ ...plan, dataset: { ...cifar10, testCount: 2.5 } })).toBe('dataset.testCount: must be a whole number from 0 to 100000000');
    expect(planError({ ...plan, dataset: { ...cifar10, name: '' } })).toBe('dataset.name: must be a string of 1 to 200 characters');
    expect(planError({ ...plan, dataset: { ...cifar10, url: 'x' } })).toBe('dataset.url: unknown key');
    expect(validatePlanSchema({ ...plan, dataset: { ...cifar10, id: 'mnist' } })).toBe(false);
  });

  it('travels in the export and back through the import', () => {
    const exported = buildExport(plan, [], { backend: null, userAgent: 'vitest', runtime: 'node' }, new Date('2025-02-03T04:05:06Z'));
    const text = JSON.stringify(exported);
    expect(JSON.parse(text).plan.dataset).toEqual(cifar10);
    expect(parseImport(text, 'lab.json').plan?.dataset).toEqual(cifar10);
    const bad = JSON.stringify({ ...exported, plan: { ...plan, dataset: { ...cifar10, testCount: -1 } } });
    expect(() => parseImport(bad, 'bad.json')).toThrow(new ImportError('bad.json was not imported: field plan.dataset.testCount: must be a whole number from 0 to 100000000.'));
  });
});
