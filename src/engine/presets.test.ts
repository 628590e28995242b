import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, makeConfig } from './config';
import { getPreset, PRESETS, presetConfig } from './presets';
import { buildLrSchedule } from './train/schedule';
import { TRICKS } from './tricks/registry';
import { isEnabled } from './tricks/types';
import { validateConfig } from './validateConfig';

const enabledTricks = (id: string) => {
  const config = presetConfig(getPreset(id)!);
  return TRICKS.filter((t) => isEnabled(t, config)).map((t) => t.id).sort();
};

describe('presets', () => {
  it('each is a valid, complete config with a stated expectation and source', () => {
    expect(PRESETS.map((p) => p.name)).toEqual(['Paper baseline', 'Bag of tricks', 'Quick look']);
    for (const preset of PRESETS) {
      const config = presetConfig(preset);
      expect(validateConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
      expect(config.name).toBe(preset.name);
      expect(config.model).toMatchObject({ family: 'cifar-resnet', depth: 20, widthMultiplier: 1 });
      expect(config.data).toMatchObject({ dataset: 'cifar10', resolution: 32, augment: { crop: true, padding: 4, flip: true } });
      expect(preset.expected.top1).toBeGreaterThan(85);
      expect(preset.expected.source).toMatch(/\d{4}/); // cites a year
      if (preset.expected.kind === 'estimate') expect(preset.expected.source).toMatch(/^Estimate/);
    }
  });

  it('Paper baseline: 160 epochs, batch 128, LR 0.1 ÷10 at epochs 80 and 120, weight decay 1e-4, no tricks', () => {
    const config = presetConfig(getPreset('paper-baseline')!);
    expect(config.run.epochs).toBe(160);
    expect(config.optim).toEqual({ lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 1e-4, batchSize: 128 });
    expect(enabledTricks('paper-baseline')).toEqual([]);
    // 50,000 images / 128 = 390 steps per epoch: epoch 80 starts at step 31,200, epoch 120 at 46,800.
    const { lr } = buildLrSchedule(config, 390);
    expect([lr(0), lr(31_199), lr(31_200), lr(46_799), lr(46_800), lr(62_399)].map((v) => +v.toPrecision(6))).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.001]);
    expect(getPreset('paper-baseline')!.expected).toMatchObject({ top1: 91.25, kind: 'reported' });
  });

  it('Bag of tricks: the same model and run with the six refinements', () => {
    const base = presetConfig(getPreset('paper-baseline')!);
    const tricks = presetConfig(getPreset('bag-of-tricks')!);
    expect({ ...tricks, name: '', tricks: {} }).toEqual({ ...base, name: '', tricks: {} });
    expect(enabledTricks('bag-of-tricks')).toEqual(['cosine', 'labelSmoothing', 'mixup', 'noBiasDecay', 'warmup', 'zeroGamma']);
    // Warmup for 5 epochs (1,950 steps) to 0.1, then half a cosine to 0 at step 62,400.
    const { lr, totalSteps } = buildLrSchedule(tricks, 390);
    expect(totalSteps).toBe(62_400);
    expect(lr(1950)).toBeCloseTo(0.1, 6);
    expect(lr(1950 + (62_400 - 1950) / 2)).toBeCloseTo(0.05, 6);
    expect(lr(62_399)).toBeLessThan(1e-6);
  });

  it('Quick look: about 15 epochs with warmup and cosine', () => {
    const config = presetConfig(getPreset('quick-look')!);
    expect(config.run.epochs).toBe(15);
    expect(enabledTricks('quick-look')).toEqual(['cosine', 'labelSmoothing', 'noBiasDecay', 'warmup']);
    const { lr } = buildLrSchedule(config, 390);
    expect(lr(390)).toBeCloseTo(0.1, 6);
    expect(lr(5849)).toBeLessThan(1e-5);
  });

  it('keeps the user machine settings and nothing else of the current config', () => {
    const current = makeConfig({ run: { backend: 'cpu', kernels: 'stock', seed: 7, logEvery: 3, epochs: 2 }, optim: { lr: 3 } });
    const config = presetConfig(getPreset('quick-look')!, current.run);
    expect(config.run).toEqual({ ...DEFAULT_CONFIG.run, epochs: 15, backend: 'cpu', kernels: 'stock', seed: 7, logEvery: 3 });
    expect(config.optim.lr).toBe(0.1);
    expect(getPreset('nope')).toBeUndefined();
  });
});
