// The worker host: a worker that throws or falls silent is terminated and replaced, listeners
// hear `workerRestarted`, requests go to the new worker, a terminated worker's late messages
// are dropped, and a worker that keeps failing is given up on with a message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createWorkerHost, MAX_RESTARTS, STOP_GRACE_MS, type WorkerLike } from './workerHost';
import { makeConfig } from '../engine/config';

interface FakeWorker extends WorkerLike {
  sent: WorkerRequest[];
  terminated: boolean;
  say(e: WorkerEvent): void;
  fail(message: string): void;
}

function fakeWorkers() {
  const made: FakeWorker[] = [];
  const create = (): WorkerLike => {
    const message: ((e: MessageEvent<WorkerEvent>) => void)[] = [];
    const error: ((e: ErrorEvent) => void)[] = [];
    const w: FakeWorker = {
      sent: [],
      terminated: false,
      postMessage: (m) => void w.sent.push(m),
      addEventListener: (type: string, l: (e: never) => void) => void (type === 'message' ? message.push(l as never) : error.push(l as never)),
      terminate: () => void (w.terminated = true),
      say: (data) => message.forEach((l) => l({ data } as MessageEvent<WorkerEvent>)),
      fail: (msg) => error.forEach((l) => l({ message: msg, preventDefault: () => {} } as ErrorEvent)),
    };
    made.push(w);
    return w;
  };
  return { made, create };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createWorkerHost', () => {
  it('restarts a worker that throws, tells listeners, and sends to the new one', () => {
    vi.useFakeTimers();
    const { made, create } = fakeWorkers();
    const host = createWorkerHost({ create, silenceMs: () => Infinity });
    const heard: WorkerEvent[] = [];
    host.addEventListener('message', (e) => heard.push(e.data));
    made[0].say({ type: 'heartbeat' });
    made[0].fail('boom');
    expect(made).toHaveLength(2);
    expect(made[0].terminated).toBe(true);
    expect(heard.at(-1)).toEqual({ type: 'workerRestarted', message: 'The training worker stopped (it threw an uncaught error: boom) and was restarted.' });
    host.postMessage({ type: 'init', backend: 'cpu' });
    expect(made[1].sent).toEqual([{ type: 'init', backend: 'cpu' }]);
    expect(made[0].sent).toEqual([]);
    // The old worker's late words are not heard.
    made[0].say({ type: 'heartbeat' });
    expect(heard.filter((e) => e.type === 'heartbeat')).toHaveLength(1);
    expect(host.restarts).toBe(1);
    host.dispose();
  });

  it('restarts a worker silent for longer than silenceMs, and not one that keeps talking', () => {
    vi.useFakeTimers();
    const { made, create } = fakeWorkers();
    const host = createWorkerHost({ create, silenceMs: () => 5000, now: () => Date.now() });
    const heard: WorkerEvent[] = [];
    host.addEventListener('message', (e) => heard.push(e.data));
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1000);
      made[0].say({ type: 'heartbeat' });
    }
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(7000);
    expect(made).toHaveLength(2);
    expect(heard.at(-1)).toMatchObject({ type: 'workerRestarted', message: expect.stringMatching(/no heartbeat for [67] s/) });
    host.dispose();
  });

  it(`gives up after ${MAX_RESTARTS} restarts in a minute, with a message to reload`, () => {
    vi.useFakeTimers();
    const { made, create } = fakeWorkers();
    const host = createWorkerHost({ create, silenceMs: () => Infinity });
    const errors: string[] = [];
    host.addEventListener('error', (e) => errors.push(e.message));
    for (let i = 0; i <= MAX_RESTARTS; i++) made.at(-1)?.fail('boom');
    expect(made).toHaveLength(MAX_RESTARTS + 1);
    expect(errors).toEqual([expect.stringMatching(/keeps failing \(4 times in a minute\).*Reload the page; the lab keeps its runs\./)]);
    host.dispose();
  });

  it('restarts a worker that does not answer Stop within 15 s, naming the stopped run; one that answers is kept', () => {
    vi.useFakeTimers();
    const { made, create } = fakeWorkers();
    // Silence is not watched (as on the CPU, where a step blocks the worker): only the stop is.
    const host = createWorkerHost({ create, silenceMs: () => Infinity });
    const heard: WorkerEvent[] = [];
    host.addEventListener('message', (e) => heard.push(e.data));
    const config = makeConfig({});
    host.postMessage({ type: 'start', runId: 'r1', config });
    host.postMessage({ type: 'stop', runId: 'r1' });
    vi.advanceTimersByTime(STOP_GRACE_MS);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(made).toHaveLength(2);
    expect(made[0].terminated).toBe(true);
    expect(heard.at(-1)).toEqual({ type: 'workerRestarted', message: 'The training worker stopped (it did not stop within 15 s) and was restarted.', stoppedRunId: 'r1' });
    // A run whose worker answers the stop in time keeps its worker.
    host.postMessage({ type: 'start', runId: 'r2', config });
    host.postMessage({ type: 'stop', runId: 'r2' });
    vi.advanceTimersByTime(5000);
    made[1].say({ type: 'error', runId: 'r2', message: 'stopped' });
    vi.advanceTimersByTime(60_000);
    expect(made).toHaveLength(2);
    host.dispose();
  });

  it('waits 3× the longest gap between progress events when steps are slower than that', () => {
    vi.useFakeTimers();
    const { made, create } = fakeWorkers();
    const host = createWorkerHost({ create, silenceMs: () => Infinity });
    host.postMessage({ type: 'start', runId: 'r1', config: makeConfig({}) });
    const step = { kind: 'step' as const, epoch: 1, step: 1, totalSteps: 9, stepsPerEpoch: 9, loss: 2, lr: 0.1, imagesPerSecond: 1, elapsedSeconds: 1 };
    made[0].say({ type: 'progress', runId: 'r1', event: step });
    vi.advanceTimersByTime(10_000);
    made[0].say({ type: 'progress', runId: 'r1', event: { ...step, step: 2 } });
    host.postMessage({ type: 'stop', runId: 'r1' });
    vi.advanceTimersByTime(29_000);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(made).toHaveLength(2);
    host.dispose();
  });
});
