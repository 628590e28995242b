/**
 * Peak memory of synchronous work, for the gzip-bomb tests (Node only, test-only). The work
 * blocks the main thread, so a worker thread samples the process's resident set size every
 * millisecond and keeps the maximum in shared memory; the growth over the baseline is what the
 * work touched, whatever the garbage collector freed before it returned.
 */
import { Worker } from 'node:worker_threads';

const SAMPLER = `
const { workerData, parentPort } = require('node:worker_threads');
const peak = new Float64Array(workerData);
const sample = () => { const rss = process.memoryUsage.rss(); if (rss > peak[0]) peak[0] = rss; };
sample();
setInterval(sample, 1);
parentPort.postMessage('ready');
`;

/**
 * Runs `work` and returns what it returned or threw, with the peak of resident memory while it
 * ran and its growth over the resident memory before, in MiB.
 */
export async function measurePeakRss<T>(work: () => T): Promise<{ value: T | undefined; error: unknown; peakGrowthMiB: number; peakMiB: number }> {
  const shared = new SharedArrayBuffer(8);
  const peak = new Float64Array(shared);
  const worker = new Worker(SAMPLER, { eval: true, workerData: shared });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const baseline = Math.max(peak[0], process.memoryUsage.rss());
  peak[0] = baseline;
  let value: T | undefined;
  let error: unknown = null;
  try {
    value = work();
  } catch (err) {
    error = err;
  }
  // One more sample after the work, in case it finished between two of the worker's.
  peak[0] = Math.max(peak[0], process.memoryUsage.rss());
  await worker.terminate();
  return { value, error, peakGrowthMiB: (peak[0] - baseline) / (1024 * 1024), peakMiB: peak[0] / (1024 * 1024) };
}
