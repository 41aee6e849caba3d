import { now } from '../clock.js';
import type { CallOutcome, CongestionController, SlotLimit } from './controller.js';
import { SlotWindow } from './slot-window.js';

export interface AimdSettings {
  /** The window to start from; it doubles per round trip (slow start) until the first throttle. */
  readonly initial: number;
  readonly min: number;
  /** The user's ceiling: the window never grows past it. */
  readonly max: number;
  /** Added to the window per round trip of successes once past slow start. */
  readonly increase: number;
  /** The window is multiplied by this on throttling (once per round trip). */
  readonly decrease: number;
}

/**
 * Additive increase, multiplicative decrease on the platform's own throttling signal, as TCP does
 * on loss: the window finds the account's concurrency limit without the user knowing it.
 */
export class AimdController implements CongestionController {
  readonly #settings: AimdSettings;
  readonly #limit: SlotWindow;
  #window: number;
  #threshold: number;
  #lastDecrease = 0;

  constructor(settings: AimdSettings) {
    this.#settings = settings;
    this.#window = Math.min(settings.max, Math.max(settings.min, settings.initial));
    this.#threshold = settings.max;
    this.#limit = new SlotWindow(Math.floor(this.#window));
  }

  get run(): SlotLimit {
    return this.#limit.run;
  }

  get concurrency(): number {
    return this.#limit.concurrency;
  }

  feedback(outcome: CallOutcome, sentAt: number): void {
    const { min, max, increase, decrease } = this.#settings;
    if (outcome === 'throttled') {
      // Calls sent before the last decrease were sent under the old window: one cut per round trip.
      if (sentAt < this.#lastDecrease) return;
      this.#threshold = this.#window = Math.max(min, this.#window * decrease);
      this.#lastDecrease = now();
    } else if (outcome === 'success') {
      this.#window = Math.min(max, this.#window + (this.#window < this.#threshold ? 1 : increase / this.#window));
    } else {
      return;
    }
    const next = Math.max(min, Math.floor(this.#window));
    if (next !== this.#limit.concurrency) this.#limit.concurrency = next;
  }
}
