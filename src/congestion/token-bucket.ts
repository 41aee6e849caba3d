import { now, sleep } from '../clock.js';
import type { CongestionController, SlotLimit } from './controller.js';
import { SlotWindow } from './slot-window.js';

/**
 * A rate limit: at most `perSecond` requests a second on average, up to `burst` at once after a
 * quiet spell, and at most `concurrency` in flight. Waiters are served in arrival order.
 */
export class TokenBucketController implements CongestionController {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #limit: SlotWindow;
  #tokens: number;
  #refilledAt = now();
  #queue: Promise<void> = Promise.resolve();

  constructor(perSecond: number, burst: number, concurrency: number) {
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#limit = new SlotWindow(concurrency);
  }

  readonly run: SlotLimit = (fn) => this.#take().then(() => this.#limit.run(fn));

  get concurrency(): number {
    return this.#limit.concurrency;
  }

  feedback(): void {}

  #take(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForToken());
    this.#queue = turn;
    return turn;
  }

  async #waitForToken(): Promise<void> {
    this.#refill();
    if (this.#tokens < 1) {
      await sleep(Math.ceil((1 - this.#tokens) / this.#perMs));
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill(): void {
    const at = now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (at - this.#refilledAt) * this.#perMs);
    this.#refilledAt = at;
  }
}
