import { performance } from 'node:perf_hooks';

/**
 * Milliseconds since the epoch, read off the monotonic clock: never jumps back when the wall
 * clock is adjusted, so every timestamp in one process's records is comparable.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Where time comes from: falco's clock, or a simulated one in tests and what-if runs. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = { now, sleep };
