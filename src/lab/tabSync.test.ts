// The queue lock over Web Locks' semantics (exclusive and shared modes, ifAvailable, released
// when a tab goes), played by a small in-memory lock manager, since Node has no navigator.locks.
import { describe, expect, it } from 'vitest';
import { webQueueLock } from './tabSync';

type Callback = (lock: Lock | null) => unknown;
interface Request { tab: number; mode: LockMode; callback: Callback }

/** One origin's locks for one name; each tab gets a facade, and closing a tab drops what it holds. */
function lockWorld() {
  let held: { tab: number; mode: LockMode }[] = [];
  const waiting: Request[] = [];
  const grantable = (mode: LockMode) => (mode === 'exclusive' ? held.length === 0 : held.every((h) => h.mode === 'shared'));
  function grant(r: Request) {
    const entry = { tab: r.tab, mode: r.mode };
    held.push(entry);
    void Promise.resolve(r.callback({ name: 'q', mode: r.mode } as Lock)).then(() => {
      held = held.filter((h) => h !== entry);
      pump();
    });
  }
  function pump() {
    while (waiting.length > 0 && grantable(waiting[0].mode)) grant(waiting.shift()!);
  }
  const facade = (tab: number) =>
    ({
      request: (_name: string, options: LockOptions, callback: Callback) => {
        const mode = options.mode ?? 'exclusive';
        if (waiting.length === 0 && grantable(mode)) grant({ tab, mode, callback });
        else if (options.ifAvailable) void callback(null);
        else waiting.push({ tab, mode, callback });
        return Promise.resolve();
      },
    }) as unknown as LockManager;
  return {
    facade,
    close(tab: number) {
      held = held.filter((h) => h.tab !== tab);
      pump();
    },
  };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('webQueueLock', () => {
  it('one tab owns the queue; when it goes every follower learns at once, and one of them takes it', async () => {
    const world = lockWorld();
    const [a, b, c] = [1, 2, 3].map((t) => webQueueLock(world.facade(t)));
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    const freed: string[] = [];
    b.whenFree(() => freed.push('b'));
    c.whenFree(() => freed.push('c'));
    await settle();
    expect(freed).toEqual([]);

    world.close(1);
    await settle();
    expect(freed).toEqual(['b', 'c']);
    // The followers let go at once: the first to ask takes the queue, the next is refused.
    expect(await b.acquire()).toBe(true);
    expect(await c.acquire()).toBe(false);
    c.whenFree(() => freed.push('c again'));
    await settle();
    expect(freed).toEqual(['b', 'c']);
  });
});
