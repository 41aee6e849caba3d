import type { Slots } from './controller.js';

/**
 * At most `concurrency` functions running at once; the rest wait in arrival order. falco's own,
 * lighter than p-limit on the hot path: a free slot is taken at once, with no promise or closure
 * of its own, and a waiter costs one promise. Lowering `concurrency` lets running calls finish;
 * raising it starts waiters at once.
 */
export class SlotWindow implements Slots {
  #concurrency: number;
  #active = 0;
  /** Waiters in arrival order; `#head` is the next one, so taking it never shifts the array. */
  #waiting: ((() => void) | undefined)[] = [];
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

  acquire(): Promise<void> | undefined {
    if (this.#active < this.#concurrency && this.waiting === 0) {
      this.#active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** The slot passes straight to the next waiter, unless the window has shrunk below what runs. */
  release(): void {
    if (this.#active > this.#concurrency || !this.#wakeNext()) this.#active--;
  }

  readonly run = <T>(fn: () => Promise<T>): Promise<T> => {
    const wait = this.acquire();
    return wait ? wait.then(() => this.#hold(fn)) : this.#hold(fn);
  };

  async #hold<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  #wakeNext(): boolean {
    if (this.#head === this.#waiting.length) return false;
    const next = this.#waiting[this.#head]!;
    // Let go of the waiter now: a taken entry left in the array would keep its call alive.
    this.#waiting[this.#head++] = undefined;
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
