/**
 * Node only: the real data of `npm run bench -- --data PATH`: a CIFAR archive or folder read by
 * loadDataset.ts, and the host milliseconds per batch each input path costs at the bench's
 * batch sizes (src/bench/inputFeed.ts measures; this file stays out of the browser bundle).
 */
import { measureInputHost, type BenchData, type InputPlacement } from '../bench/inputFeed';
import { loadDatasetFromPath } from './loadDataset';

/** Loads the dataset at `path` as BenchData and logs each input path's host time per batch. */
export async function loadBenchData(path: string, placement: InputPlacement, batches: number[], log: (line: string) => void = console.log): Promise<BenchData> {
  const dataset = await loadDatasetFromPath(path);
  log(`data: ${dataset.name}, ${dataset.train.count} training images, batches built on the ${placement}`);
  for (const batch of batches) {
    const t = await measureInputHost(dataset.train, batch);
    const device = t.deviceEnqueueMs === null ? 'n/a' : `${t.deviceEnqueueMs.toFixed(2)} ms`;
    log(
      `  input, batch ${batch}: host path ${(t.planMs + t.hostAssembleMs + t.hostNormaliseMs).toFixed(2)} ms of JavaScript per batch (plan ${t.planMs.toFixed(2)}, crop/flip ${t.hostAssembleMs.toFixed(2)}, normalise+tensor ${t.hostNormaliseMs.toFixed(2)}); device path ${(t.planMs).toFixed(2)} ms plan + ${device} enqueue`,
    );
  }
  return { name: dataset.name, split: dataset.train, numClasses: dataset.classNames.length, placement };
}
