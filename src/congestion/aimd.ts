import { now } from '../clock.js';
import type { CallOutcome, CongestionController, SlotLimit, Slots } from './controller.js';
import { SlotWindow } from './slot-window.js';

export interface AimdSettings {
  /** The window to start from; it quadruples per round trip (slow start) until the first throttle. */
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
 * What each success adds in slow start: the window quadruples per round trip. A throttle on a
 * function platform is a quick refusal, not a lost packet, and the throttled call comes back at the
 * next success (`pacesThrottled`), so overshooting costs a few refused calls, while each round trip
 * spent below the cap costs a round trip's worth of the gap.
 */
const SLOW_START_GROWTH = 3;

/**
 * Additive increase, multiplicative decrease on the platform's own throttling signal, as TCP does
 * on loss: the window finds the account's concurrency limit without the user knowing it.
 *
 * Slow start quadruples the window per round trip until the first throttle. A throttle cuts the
 * window by `decrease`, or by a quarter as much when it came near the window the last one came
 * at (the same cap, found again: a full cut would give away a tenth of it each time). Below the
 * window it was last cut at, each success closes a share of the gap (about two fifths of it per
 * round trip, a search for the cap as BIC does); from there on the window grows by `increase` per
 * round trip, probing for more.
 */
export class AimdController implements CongestionController {
  readonly pacesThrottled = true;
  readonly #settings: AimdSettings;
  readonly #limit: SlotWindow;
  #window: number;
  #slowStart = true;
  /** The window the last throttle came at: where the platform's cap was last seen. */
  #lastCap = 0;
  #lastDecrease = 0;

  constructor(settings: AimdSettings) {
    this.#settings = settings;
    this.#window = Math.min(settings.max, Math.max(settings.min, settings.initial));
    this.#limit = new SlotWindow(Math.floor(this.#window));
  }

  get run(): SlotLimit {
    return this.#limit.run;
  }

  get slots(): Slots {
    return this.#limit;
  }

  get concurrency(): number {
    return this.#limit.concurrency;
  }

  feedback(outcome: CallOutcome, sentAt: number): void {
    if (outcome === 'throttled') {
      // Calls sent before the last decrease were sent under the old window: one cut per round trip.
      if (sentAt < this.#lastDecrease) return;
      this.#throttled();
    } else if (outcome === 'success') {
      this.#window = Math.min(this.#settings.max, this.#window + this.#growth());
    } else {
      return;
    }
    const next = Math.max(this.#settings.min, Math.floor(this.#window));
    if (next !== this.#limit.concurrency) this.#limit.concurrency = next;
  }

  #throttled(): void {
    const { min, decrease } = this.#settings;
    const near = !this.#slowStart && Math.abs(this.#window - this.#lastCap) <= this.#lastCap * (1 - decrease);
    this.#lastCap = this.#window;
    this.#window = Math.max(min, this.#window * (near ? 1 - (1 - decrease) / 4 : decrease));
    this.#slowStart = false;
    this.#lastDecrease = now();
  }

  /** What one success adds to the window. */
  #growth(): number {
    const window = this.#window;
    if (this.#slowStart) return SLOW_START_GROWTH;
    const gap = this.#lastCap - window;
    // Half the gap per window's worth of successes, shrinking as it closes, until within one call of the cap.
    if (gap > 1) return gap / (2 * window);
    return this.#settings.increase / window;
  }
}
