import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../engine/configFields';
import { choiceOptions, numberOptions } from './fieldOptions';

const labels = (options: { label: string }[]) => options.map((o) => o.label);

describe('numberOptions', () => {
  it('lists the table options when the value is one of them', () => {
    expect(labels(numberOptions(CONFIG_FIELDS['model.depth'], 20))).toEqual(['ResNet-8', 'ResNet-14', 'ResNet-20', 'ResNet-32', 'ResNet-44', 'ResNet-56', 'ResNet-110']);
  });

  it('adds a deeper network from a link last, and says where it came from', () => {
    const options = numberOptions(CONFIG_FIELDS['model.depth'], 1202);
    expect(options[options.length - 1]).toEqual({ value: 1202, label: 'ResNet-1202 (from the config)' });
    expect(options).toHaveLength(8);
  });

  it('puts an in-between value in its place: depth 26 after ResNet-20, width ×8 after ×2, ×0.125 first', () => {
    expect(labels(numberOptions(CONFIG_FIELDS['model.depth'], 26)).slice(2, 5)).toEqual(['ResNet-20', 'ResNet-26 (from the config)', 'ResNet-32']);
    expect(labels(numberOptions(CONFIG_FIELDS['model.widthMultiplier'], 8))).toEqual(['×0.25', '×0.5', '×1', '×2', '×8 (from the config)']);
    expect(labels(numberOptions(CONFIG_FIELDS['model.widthMultiplier'], 0.125))[0]).toBe('×0.125 (from the config)');
  });

  it('takes a narrower list (the lab offers depths up to 56)', () => {
    expect(labels(numberOptions(CONFIG_FIELDS['model.depth'], 110, [8, 20, 56]))).toEqual(['ResNet-8', 'ResNet-20', 'ResNet-56', 'ResNet-110 (from the config)']);
  });
});

describe('choiceOptions', () => {
  it('shows an unknown kernel set as its own option', () => {
    expect(labels(choiceOptions(CONFIG_FIELDS['run.kernels'], 'custom'))).toEqual(['Trick Lab WGSL, compiled step', 'Trick Lab WGSL, op by op', 'tfjs stock']);
    expect(labels(choiceOptions(CONFIG_FIELDS['run.kernels'], 'other' as 'custom'))).toEqual(['Trick Lab WGSL, compiled step', 'Trick Lab WGSL, op by op', 'tfjs stock', 'other (from the config)']);
  });
});
