import type { Clock } from '../../src/spi.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * Simulated time: `sleep` waits for virtual time to reach its end, and virtual time jumps to the
 * next timer whenever the work before it has settled (one timer per turn of the event loop). A run
 * of simulated minutes takes as long as its callbacks, and its figures do not depend on the machine's load.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];
  #stepping = false;

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve };
      signal?.addEventListener('abort', () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal.reason);
      }, { once: true });
      this.#insert(timer);
      this.#schedule();
    });
  }

  #insert(timer: Timer): void {
    let low = 0;
    let high = this.#timers.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = this.#timers[mid]!;
      if (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq)) low = mid + 1;
      else high = mid;
    }
    this.#timers.splice(low, 0, timer);
  }

  #schedule(): void {
    if (this.#stepping) return;
    this.#stepping = true;
    setImmediate(this.#step);
  }

  readonly #step = (): void => {
    this.#stepping = false;
    const next = this.#timers.shift();
    if (!next) return;
    this.#now = Math.max(this.#now, next.at);
    next.resolve();
    if (this.#timers.length > 0) this.#schedule();
  };
}
