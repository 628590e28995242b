// The worker's dataset requests now that a load can take a while (Parquet decoding): a load
// overtaken by a later one is dropped (only the later dataset is announced), and a bad file's
// message comes back as an error while the previous dataset stays.
import { describe, expect, it } from 'vitest';
import { hubParquetOf } from '../../test/support/hfParquet';
import { createWorkerHandler } from './handler';
import type { WorkerEvent } from './protocol';

const parquet = () => {
  const count = 300;
  // Pixels that do not repeat, so the PNGs (and the file) are not compressed away.
  const split = { images: Uint8Array.from({ length: count * 3072 }, (_, i) => (i * 2654435761) >>> 24), labels: new Uint8Array(count), count };
  return [{ name: 'train-00000-of-00001.parquet', bytes: hubParquetOf(split).slice().buffer }];
};

describe('the worker loading datasets', () => {
  it('announces only the latest of two overlapping loads', async () => {
    const events: WorkerEvent[] = [];
    const handler = createWorkerHandler({ post: (e) => events.push(e), environment: { userAgent: 'test', runtime: 'node' } });
    const slow = handler.handle({ type: 'loadDataset', source: { kind: 'parquet', files: parquet() } });
    const fast = handler.handle({ type: 'loadDataset', source: { kind: 'synthetic', seed: 1, trainCount: 20, testCount: 10 } });
    await Promise.all([slow, fast]);
    const announced = events.filter((e) => e.type === 'dataset' || e.type === 'error');
    expect(announced).toHaveLength(1);
    expect(announced[0].type === 'dataset' && announced[0].info.id).toBe('synthetic');
  });

  it('reports a truncated Parquet file by name and keeps the loaded dataset', async () => {
    const events: WorkerEvent[] = [];
    const handler = createWorkerHandler({ post: (e) => events.push(e), environment: { userAgent: 'test', runtime: 'node' } });
    await handler.handle({ type: 'loadDataset', source: { kind: 'parquet', files: parquet() } });
    expect(events.filter((e) => e.type === 'datasetProgress').map((e) => e.type === 'datasetProgress' && e.done)).toEqual([256, 300]);
    const [file] = parquet();
    await handler.handle({ type: 'loadDataset', source: { kind: 'parquet', files: [{ name: file.name, bytes: file.bytes.slice(0, 5000) }] } });
    const last = events.at(-1);
    expect(last?.type === 'error' && last.message).toBe('train-00000-of-00001.parquet is cut short (5000 bytes, and the end of a Parquet file, where its table of contents is, is missing): download it again.');
    expect(events.filter((e) => e.type === 'dataset')).toHaveLength(1);
  });
});
