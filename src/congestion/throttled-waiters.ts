/**
 * Throttled calls waiting to come back. Each waits for its backoff, or until a call of the phase
 * succeeds (the platform has room for one more), whichever comes first: one waiter per success,
 * in arrival order. A waiter that wakes early leaves no timer behind.
 */
export class ThrottledWaiters {
  readonly #waiting = new Set<() => void>();

  /** Resolves after `ms` or at the next `succeeded()` it is first in line for; rejects with the signal's reason on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiting.delete(wake);
        resolve();
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        reject(signal.reason);
      };
      const timer = setTimeout(wake, ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.add(wake);
    });
  }

  /** A call succeeded: the first waiter comes back now. */
  succeeded(): void {
    if (this.#waiting.size === 0) return;
    const [first] = this.#waiting;
    first!();
  }
}
