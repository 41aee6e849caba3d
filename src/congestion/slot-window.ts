/**
 * At most `concurrency` functions running at once; the rest wait in arrival order. falco's own,
 * lighter than p-limit on the hot path: a free slot runs the function at once, with no promise or
 * closure of its own, and a waiter costs one promise. Lowering `concurrency` lets running calls
 * finish; raising it starts waiters at once.
 */
export class SlotWindow {
  #concurrency: number;
  #active = 0;
  /** Waiters in arrival order; `#head` is the next one, so taking it never shifts the array. */
  #waiting: (() => void)[] = [];
  #head = 0;

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
  }

  get concurrency(): number {
    return this.#concurrency;
  }

  set concurrency(value: number) {
    this.#concurrency = value;
    while (this.#active < this.#concurrency && this.#wakeNext()) this.#active++;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  readonly run = <T>(fn: () => Promise<T>): Promise<T> => {
    if (this.#active < this.#concurrency && this.waiting === 0) {
      this.#active++;
      return this.#hold(fn);
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#hold(fn));
  };

  async #hold<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, unless the window has shrunk below what runs.
      if (this.#active > this.#concurrency || !this.#wakeNext()) this.#active--;
    }
  }

  #wakeNext(): boolean {
    if (this.#head === this.#waiting.length) return false;
    const next = this.#waiting[this.#head++]!;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
    return true;
  }
}
