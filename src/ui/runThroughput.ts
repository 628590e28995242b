/**
 * The rates this device's finished single runs achieved (images per second, per backend and
 * model size), kept in localStorage so the next run's time can be said before Start
 * (engine/lab/estimate.ts). The newest MAX_SAMPLES are kept.
 */
import type { ThroughputSample } from '../engine/lab/estimate';

const KEY = 'trick-lab:throughput';
const MAX_SAMPLES = 20;

const isSample = (v: unknown): v is ThroughputSample => {
  if (typeof v !== 'object' || v === null) return false;
  const { backend, macs, imagesPerSecond } = v as Record<string, unknown>;
  return typeof backend === 'string' && typeof macs === 'number' && macs > 0 && typeof imagesPerSecond === 'number' && imagesPerSecond > 0 && Number.isFinite(imagesPerSecond);
};

export function readThroughput(): ThroughputSample[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter(isSample) : [];
  } catch {
    return [];
  }
}

/** Adds a sample; returns the list kept. */
export function recordThroughput(sample: ThroughputSample): ThroughputSample[] {
  const next = [...readThroughput(), sample].slice(-MAX_SAMPLES);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage off: the estimate stays on the default rate
  }
  return next;
}
