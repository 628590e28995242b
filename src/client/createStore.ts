/**
 * A subscribable snapshot for React's useSyncExternalStore, shared by the training client and the
 * lab controller. A change is announced at once, except progress ticks (`throttled`), which are
 * announced at most once per `throttleMs`: a busy run must not flood React with renders (the main
 * thread stays free of long tasks while training). An immediate change also carries any pending
 * throttled one, so listeners never see an older snapshot after a newer one.
 */
export interface Store<T> {
  get(): T;
  /** Replaces the snapshot; `throttled` for progress ticks. The same object changes nothing. */
  set(next: T, throttled?: boolean): void;
  subscribe(listener: () => void): () => void;
}

/** A store holding `initial`, announcing progress ticks at most once per `throttleMs`. */
export function createStore<T>(initial: T, throttleMs: number): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastNotify = -Infinity;

  const notify = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastNotify = Date.now();
    for (const l of [...listeners]) l();
  };

  return {
    get: () => state,
    set(next, throttled = false) {
      if (next === state) return;
      state = next;
      // Synchronous for user-visible changes: a controlled input must see its new value in the
      // same event, or React puts the old one back.
      if (!throttled) notify();
      else if (timer === null) timer = setTimeout(notify, Math.max(0, throttleMs - (Date.now() - lastNotify)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
