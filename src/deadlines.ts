import { setMaxListeners } from 'node:events';

/**
 * Deadline signals shared by the calls that start within the same short window. One
 * AbortController and one timer per window, instead of one per call, keeps the hot path cheap
 * at a million calls; a call's deadline fires between `timeoutMs` and `timeoutMs + window` after
 * it started.
 */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #windowMs: number;
  readonly #live = new Set<{ controller: AbortController; timer: NodeJS.Timeout }>();
  #current: { controller: AbortController; until: number } | undefined;

  /** The reason a deadline signal aborts with; tell it apart from other reasons by identity. */
  static readonly EXPIRED = Object.freeze(new Error('deadline expired'));

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#windowMs = Math.max(5, Math.ceil(timeoutMs / 100));
  }

  /** A signal that aborts with `Deadlines.EXPIRED` once `timeoutMs` has passed since `at`. */
  signal(at: number): AbortSignal {
    const current = this.#current;
    if (current && at < current.until && !current.controller.signal.aborted) return current.controller.signal;
    const controller = new AbortController();
    setMaxListeners(0, controller.signal); // every call of the window listens to it
    const entry = {
      controller,
      timer: setTimeout(() => {
        this.#live.delete(entry);
        controller.abort(Deadlines.EXPIRED);
      }, this.#timeoutMs + this.#windowMs),
    };
    entry.timer.unref();
    this.#live.add(entry);
    this.#current = { controller, until: at + this.#windowMs };
    return controller.signal;
  }

  /** Aborts every live signal with `reason`: the phase stopped. */
  abortAll(reason: unknown): void {
    for (const { controller, timer } of this.#live) {
      clearTimeout(timer);
      controller.abort(reason);
    }
    this.#live.clear();
  }

  /** Clears every timer; call when no call is in flight any more. */
  dispose(): void {
    for (const { timer } of this.#live) clearTimeout(timer);
    this.#live.clear();
    this.#current = undefined;
  }
}
