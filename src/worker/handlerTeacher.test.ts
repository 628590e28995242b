/**
 * The single-run page's distillation teacher is the run that finished last in the worker; it
 * teaches only a run on the same data (dataset, classes, held-out split, limits), and a run it
 * cannot teach is refused with what differs. Tiny runs on the tfjs CPU backend.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import { createWorkerHandler } from './handler';
import type { WorkerEvent } from './protocol';

const config = (trainLimit: number, distil: boolean) =>
  makeConfig({
    model: { depth: 8, widthMultiplier: 0.25 },
    data: { dataset: 'synthetic', resolution: 8, trainLimit },
    optim: { batchSize: 16 },
    run: { epochs: 1, logEvery: 1, seed: 4, backend: 'cpu' },
    tricks: { distillation: { enabled: distil, params: {} } },
  });

describe('the worker\'s default teacher', () => {
  it('teaches a distillation run on the same data, and is refused, naming the difference, on other data', { timeout: 120_000 }, async () => {
    const events: WorkerEvent[] = [];
    const handler = createWorkerHandler({ post: (e) => events.push(e), environment: { userAgent: 'vitest', runtime: 'node' } });
    await handler.handle({ type: 'init', backend: 'cpu' });
    await handler.handle({ type: 'loadDataset', source: { kind: 'synthetic', seed: 2, trainCount: 48, testCount: 16 } });
    await handler.handle({ type: 'start', runId: 'teacher', config: config(32, false) });
    await handler.handle({ type: 'start', runId: 'other', config: config(16, true) });
    expect(events.filter((e) => e.type === 'error')).toEqual([
      {
        type: 'error',
        runId: 'other',
        message:
          "The teacher does not match this run's data: training images (teacher 32, student 16). A teacher must learn from the student's dataset, classes, split and limits. The teacher here is the run that finished last: train one on this data first.",
      },
    ]);
    await handler.handle({ type: 'start', runId: 'student', config: config(32, true) });
    const done = events.flatMap((e) => (e.type === 'done' ? [[e.runId, e.result.status]] : []));
    expect(done).toEqual([
      ['teacher', 'finished'],
      ['student', 'finished'],
    ]);
  });
});
