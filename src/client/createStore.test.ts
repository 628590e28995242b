// The shared store: immediate changes are announced synchronously, progress ticks at most once
// per interval, and an immediate change flushes a pending tick.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from './createStore';

afterEach(() => void vi.useRealTimers());

describe('createStore', () => {
  it('announces an immediate change in the same call, and nothing for the same snapshot', () => {
    const store = createStore({ n: 0 }, 100);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.get().n));
    store.set({ n: 1 });
    expect(seen).toEqual([1]);
    store.set(store.get());
    expect(seen).toEqual([1]);
  });

  it('announces a burst of ticks once per interval, with the latest snapshot', async () => {
    vi.useFakeTimers();
    const store = createStore({ n: 0 }, 100);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.get().n));
    store.set({ n: 1 }); // immediate at t=0
    for (let n = 2; n <= 20; n++) store.set({ n }, true);
    await vi.advanceTimersByTimeAsync(99);
    expect(seen).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([1, 20]);
    // A tick long after the last announcement waits for nothing but the event loop.
    await vi.advanceTimersByTimeAsync(500);
    store.set({ n: 21 }, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([1, 20, 21]);
  });

  it('an immediate change carries a pending tick and cancels its timer', async () => {
    vi.useFakeTimers();
    const store = createStore({ n: 0 }, 100);
    const seen: number[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.get().n));
    store.set({ n: 1 }, true);
    store.set({ n: 2 });
    await vi.advanceTimersByTimeAsync(200);
    expect(seen).toEqual([2]);
    unsubscribe();
    store.set({ n: 3 });
    expect(seen).toEqual([2]);
  });
});
