/** Something waiting for its time: woken once, or aborted first. */
export abstract class Sleeper {
  /** Set while it waits: the bucket it is due in, and the waiters of its signal. */
  bucket: Bucket | undefined;
  waiters: Set<Sleeper> | undefined;
  abstract wake(): void;
  abstract abort(reason: unknown): void;
}

interface Bucket {
  readonly due: number;
  readonly sleepers: Set<Sleeper>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Sleeps on the real clock for very many calls at little cost: calls due in the same millisecond
 * share one timer, a 0 ms call waits for the next turn of the event loop (one `setImmediate` for
 * every call of a turn), and a signal gets one abort listener however many calls wait on it. A
 * sleeper wakes as a `setTimeout` of its own would: to the millisecond.
 */
export class WakeUps {
  readonly #buckets = new Map<number, Bucket>();
  #nextTurn: Sleeper[] = [];
  readonly #waiters = new WeakMap<AbortSignal, Set<Sleeper>>();
  /** Calls that start together share a signal: the last one's waiters, without a map lookup. */
  #lastSignal: AbortSignal | undefined;
  #lastWaiters: Set<Sleeper> | undefined;

  sleep(ms: number, signal: AbortSignal | undefined, sleeper: Sleeper): void {
    if (signal?.aborted) return sleeper.abort(signal.reason);
    if (signal) sleeper.waiters = this.#watch(signal, sleeper);
    if (ms <= 0) {
      if (this.#nextTurn.push(sleeper) === 1) setImmediate(this.#turn);
      return;
    }
    // Whole milliseconds, as Node's timers count them: a bucket is due `ms` after the millisecond it was opened in.
    const wait = Math.round(ms);
    const due = Math.floor(performance.now()) + wait;
    let bucket = this.#buckets.get(due);
    if (!bucket) {
      bucket = { due, sleepers: new Set(), timer: undefined };
      const ready = bucket;
      bucket.timer = setTimeout(() => this.#ring(ready), wait);
      this.#buckets.set(due, bucket);
    }
    bucket.sleepers.add(sleeper);
    sleeper.bucket = bucket;
  }

  readonly #turn = (): void => {
    const due = this.#nextTurn;
    this.#nextTurn = [];
    for (const sleeper of due) this.#woken(sleeper);
  };

  #ring(bucket: Bucket): void {
    this.#buckets.delete(bucket.due);
    for (const sleeper of bucket.sleepers) {
      sleeper.bucket = undefined;
      this.#woken(sleeper);
    }
  }

  #woken(sleeper: Sleeper): void {
    sleeper.waiters?.delete(sleeper);
    sleeper.waiters = undefined;
    sleeper.wake();
  }

  #watch(signal: AbortSignal, sleeper: Sleeper): Set<Sleeper> {
    let waiters = signal === this.#lastSignal ? this.#lastWaiters : this.#waiters.get(signal);
    if (!waiters) {
      const watched = (waiters = new Set());
      this.#waiters.set(signal, watched);
      signal.addEventListener('abort', () => this.#aborted(watched, signal.reason), { once: true });
    }
    this.#lastSignal = signal;
    this.#lastWaiters = waiters;
    waiters.add(sleeper);
    return waiters;
  }

  #aborted(waiters: Set<Sleeper>, reason: unknown): void {
    for (const sleeper of waiters) {
      const bucket = sleeper.bucket;
      if (bucket) {
        bucket.sleepers.delete(sleeper);
        // A bucket whose calls were all aborted must not keep the process alive until it is due.
        if (bucket.sleepers.size === 0) {
          clearTimeout(bucket.timer);
          this.#buckets.delete(bucket.due);
        }
      }
      sleeper.bucket = undefined;
      sleeper.waiters = undefined;
      sleeper.abort(reason);
    }
    waiters.clear();
  }
}
