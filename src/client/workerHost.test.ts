// The worker host: a worker that throws or falls silent is terminated and replaced, listeners
// hear `workerRestarted`, requests go to the new worker, a terminated worker's late messages
// are dropped, and a worker that keeps failing is given up on with a message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import { createWorkerHost, MAX_RESTARTS, type WorkerLike } from './workerHost';

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
});
