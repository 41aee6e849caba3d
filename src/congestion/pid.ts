import { realClock, type Clock } from '../clock.js';
import type { CallOutcome, CongestionController, SlotLimit } from './controller.js';
import { SlotWindow } from './slot-window.js';
import { TokenPacer } from './token-pacer.js';

export interface PidSettings {
  /** The rate of successful calls to hold, per second. */
  readonly targetPerSecond: number;
  /** Gains on the relative error (target − measured) / target, its integral (per second) and its derivative. */
  readonly kp: number;
  readonly ki: number;
  readonly kd: number;
  /** How often the measured rate is compared with the target. */
  readonly intervalMs: number;
  /** The most calls in flight, whatever the controller asks for. */
  readonly maxConcurrency: number;
}

/** How far the send rate may move from the target, either way: a bound on what the PID can ask. */
const RATE_RANGE = [0.5, 2] as const;
/** On throttling, the window shrinks to this share of the calls in flight, once per round trip. */
const BACKOFF = 0.9;
/** Below the target by more than this share, the window regrows by a tenth per interval; else by one call. */
const FAR_BELOW = 0.1;

/**
 * A PID controller toward a target rate of successful calls. Requests go out paced at a send rate
 * (a token bucket) that the controller sets each interval from the error between the target and
 * the rate it measured: proportional, integral and derivative terms, so a slower platform (longer
 * latency, failing calls) is answered by sending more. The platform's throttling bounds it from
 * above: a throttled call shrinks the window of calls in flight below what was in flight (once per
 * round trip) and freezes the integral, and the window regrows a little per interval, so a target
 * the platform cannot carry settles at what it can, without a throttling storm.
 * Time comes from `clock`: falco's, or a simulated one.
 */
export class PidController implements CongestionController {
  readonly #settings: PidSettings;
  readonly #clock: Clock;
  readonly #window: SlotWindow;
  readonly #pacer: TokenPacer;
  #sampledAt: number;
  #successes = 0;
  #throttled = 0;
  #integral = 0;
  #lastError = 0;
  #lastCut = -Infinity;

  constructor(settings: PidSettings, clock: Clock = realClock) {
    this.#settings = settings;
    this.#clock = clock;
    this.#window = new SlotWindow(settings.maxConcurrency);
    this.#pacer = new TokenPacer(settings.targetPerSecond, burstAt(settings.targetPerSecond), clock);
    this.#sampledAt = clock.now();
  }

  readonly run: SlotLimit = (fn) => this.#pacer.take().then(() => this.#window.run(fn));

  get concurrency(): number {
    return this.#window.concurrency;
  }

  /** The send rate the controller has set, per second. */
  get rate(): number {
    return this.#pacer.perSecond;
  }

  feedback(outcome: CallOutcome, sentAt: number): void {
    if (outcome === 'success') this.#successes++;
    else if (outcome === 'throttled') this.#throttle(sentAt);
    this.#sample();
  }

  /** At once, not at the next interval: each call let through past the cap would be throttled too. */
  #throttle(sentAt: number): void {
    this.#throttled++;
    // Calls sent before the last cut were sent under the old window.
    if (sentAt < this.#lastCut) return;
    this.#window.concurrency = Math.max(1, Math.floor(this.#window.active * BACKOFF));
    this.#lastCut = this.#clock.now();
  }

  #sample(): void {
    const at = this.#clock.now();
    const dt = (at - this.#sampledAt) / 1000;
    if (dt * 1000 < this.#settings.intervalMs) return;
    const { targetPerSecond, kp, ki, kd, maxConcurrency } = this.#settings;
    const error = (targetPerSecond - this.#successes / dt) / targetPerSecond;
    if (this.#throttled === 0) {
      // The integral is frozen while throttled: a target the platform cannot carry must not wind it up.
      this.#integral = Math.max(-1, Math.min(1, this.#integral + error * dt));
      const window = this.#window.concurrency;
      this.#window.concurrency = Math.min(maxConcurrency, error > FAR_BELOW ? Math.ceil(window * 1.1) : window + 1);
    }
    const derivative = (error - this.#lastError) / dt;
    const u = kp * error + ki * this.#integral + kd * derivative;
    const rate = targetPerSecond * Math.max(RATE_RANGE[0], Math.min(RATE_RANGE[1], 1 + u));
    this.#pacer.perSecond = rate;
    this.#pacer.burst = burstAt(rate);
    this.#lastError = error;
    this.#successes = 0;
    this.#throttled = 0;
    this.#sampledAt = at;
  }
}

/** Up to 10 ms of tokens may gather, so a rate above 1,000/s is not cut to one call per timer tick. */
function burstAt(perSecond: number): number {
  return Math.max(1, perSecond / 100);
}
