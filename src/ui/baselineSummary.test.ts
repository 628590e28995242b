import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import { baselineParts, baselineSummary } from './baselineSummary';

describe('baselineSummary', () => {
  it('names the network, input size, length, batch, learning rate and dataset', () => {
    const config = makeConfig({ model: { family: 'cifar-resnet', depth: 8, widthMultiplier: 0.25 }, data: { resolution: 16 }, run: { epochs: 1 }, optim: { batchSize: 32, lr: 0.05 } });
    expect(baselineSummary(config, 'CIFAR-10')).toBe('ResNet-8 ×0.25 · 16 px · 1 epoch · batch 32 · SGD lr 0.05 · CIFAR-10');
  });

  it('says when no dataset is loaded and names the ImageNet-style families', () => {
    const config = makeConfig({ model: { family: 'resnet18', widthMultiplier: 1 }, data: { resolution: 32 }, run: { epochs: 30 }, optim: { batchSize: 128, lr: 0.1 } });
    expect(baselineSummary(config, null)).toBe('ResNet-18 ×1 · 32 px · 30 epochs · batch 128 · SGD lr 0.1 · no dataset loaded');
  });

  it('names the training images when they are limited (the lab leaves the dataset to its own line)', () => {
    const config = makeConfig({ model: { family: 'cifar-resnet', depth: 20, widthMultiplier: 0.5 }, data: { resolution: 32, trainLimit: 2000 }, run: { epochs: 5 }, optim: { batchSize: 128, lr: 0.1 } });
    expect(baselineParts(config).join(' · ')).toBe('ResNet-20 ×0.5 · 32 px · 5 epochs · batch 128 · SGD lr 0.1 · 2,000 training images');
    expect(baselineSummary(config, 'synthetic')).toBe('ResNet-20 ×0.5 · 32 px · 5 epochs · batch 128 · SGD lr 0.1 · 2,000 training images · synthetic');
  });
});
