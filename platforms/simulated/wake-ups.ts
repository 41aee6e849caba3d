/** Something waiting for its time: woken once, or aborted first. */
export abstract class Sleeper {
  /** Set while it waits: its timer, and the waiters of its signal. */
  timer: NodeJS.Timeout | undefined;
  waiters: Set<Sleeper> | undefined;
  abstract wake(): void;
  abstract abort(reason: unknown): void;
}

/**
 * Sleeps on the real clock for very many calls at little cost: a 0 ms call waits for the next
 * turn of the event loop (one `setImmediate` for every call of a turn, no timer), and a signal
 * gets one abort listener however many calls wait on it. A call with a latency keeps a timer of
 * its own, without a closure: Node runs the microtasks between two timers' callbacks, so each
 * call's caller hears of its end before the next call ends, as from a platform where calls end
 * apart (a congestion controller reacts to each in turn, as it would there).
 */
export class WakeUps {
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
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    sleeper.timer = setTimeout(this.#ring, Math.round(ms), sleeper);
  }

  readonly #turn = (): void => {
    const due = this.#nextTurn;
    this.#nextTurn = [];
    for (const sleeper of due) this.#woken(sleeper);
  };

  readonly #ring = (sleeper: Sleeper): void => {
    sleeper.timer = undefined;
    this.#woken(sleeper);
  };

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
      // An aborted call must not keep the process alive until it would have ended.
      clearTimeout(sleeper.timer);
      sleeper.timer = undefined;
      sleeper.waiters = undefined;
      sleeper.abort(reason);
    }
    waiters.clear();
  }
}
