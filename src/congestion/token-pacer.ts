import { realClock, type Clock } from '../clock.js';

/**
 * Tokens at `perSecond`, up to `burst` gathered after a quiet spell: `take` resolves when one is
 * had. Waiters are served in arrival order. Rate and burst may change as it runs.
 */
export class TokenPacer {
  perSecond: number;
  burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #refilledAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(perSecond: number, burst: number, clock: Clock = realClock) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#refilledAt = clock.now();
  }

  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForToken());
    this.#queue = turn;
    return turn;
  }

  async #waitForToken(): Promise<void> {
    this.#refill();
    if (this.#tokens < 1) {
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond));
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill(): void {
    const at = this.#clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((at - this.#refilledAt) * this.perSecond) / 1000);
    this.#refilledAt = at;
  }
}
