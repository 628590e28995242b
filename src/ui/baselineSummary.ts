/**
 * The one-line description of the baseline shown on the folded "Baseline" sections (the
 * single-run page's and the lab planner's), so the setup the tricks are applied to stays
 * readable with its fields out of sight.
 */
import type { ExperimentConfig } from '../engine/config';

/** The network, input size, length, batch, learning rate and, when limited, the training images. */
export function baselineParts(config: ExperimentConfig): string[] {
  const { model, data, optim, run } = config;
  const net = model.family === 'cifar-resnet' ? `ResNet-${model.depth}` : model.family === 'resnet18' ? 'ResNet-18' : 'ResNet-50';
  const parts = [`${net} ×${model.widthMultiplier}`, `${data.resolution} px`, `${run.epochs} ${run.epochs === 1 ? 'epoch' : 'epochs'}`, `batch ${optim.batchSize}`, `SGD lr ${optim.lr}`];
  if (data.trainLimit !== null) parts.push(`${data.trainLimit.toLocaleString('en')} training ${data.trainLimit === 1 ? 'image' : 'images'}`);
  return parts;
}

/** "ResNet-20 ×1 · 32 px · 30 epochs · batch 128 · SGD lr 0.1 · CIFAR-10 (50,000 images)"-style summary. */
export function baselineSummary(config: ExperimentConfig, datasetName: string | null): string {
  return [...baselineParts(config), datasetName ?? 'no dataset loaded'].join(' · ');
}
