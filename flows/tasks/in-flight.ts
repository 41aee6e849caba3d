/**
 * The tasks of one kind a worker has in hand: at most `limit` at once. `room()` waits for a free
 * slot, so the worker reads on while tasks run; a failure of work in hand (its end could not be
 * reported) is thrown by the next `room()` once nothing else is in hand, so the worker's loop
 * recovers as from a failed read, re-reading what it holds.
 */
export class InFlight {
  readonly #limit: number;
  readonly #running = new Set<Promise<void>>();
  #freed: Array<() => void> = [];
  #failure: { error: unknown } | undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#running.size;
  }

  /** Counts `work` in hand until it settles. */
  add(work: Promise<void>): void {
    const held = work.then(
      () => {},
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
    this.#running.add(held);
    void held.finally(() => {
      this.#running.delete(held);
      const freed = this.#freed;
      this.#freed = [];
      for (const wake of freed) wake();
    });
  }

  /** How many more may start, once at least one may (or at once when `signal` is aborted: a read then takes nothing). */
  async room(signal: AbortSignal): Promise<number> {
    while (this.#running.size >= this.#limit && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#freed.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    const failure = this.#failure;
    if (failure) {
      // The worker re-reads what it holds after a failure: none of it may be running still.
      await this.drained();
      this.#failure = undefined;
      throw failure.error;
    }
    return Math.max(1, this.#limit - this.#running.size);
  }

  /** Resolves once nothing is in hand. */
  async drained(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
