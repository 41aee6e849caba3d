import type { CongestionController, SlotLimit } from './controller.js';
import { SlotWindow } from './slot-window.js';
import { TokenPacer } from './token-pacer.js';

/**
 * A rate limit: at most `perSecond` requests a second on average, up to `burst` at once after a
 * quiet spell, and at most `concurrency` in flight. Waiters are served in arrival order.
 */
export class TokenBucketController implements CongestionController {
  readonly #pacer: TokenPacer;
  readonly #limit: SlotWindow;

  constructor(perSecond: number, burst: number, concurrency: number) {
    this.#pacer = new TokenPacer(perSecond, burst);
    this.#limit = new SlotWindow(concurrency);
  }

  readonly run: SlotLimit = (fn) => this.#pacer.take().then(() => this.#limit.run(fn));

  get concurrency(): number {
    return this.#limit.concurrency;
  }

  feedback(): void {}
}
