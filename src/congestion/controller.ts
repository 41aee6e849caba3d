import type { ErrorClass } from '../errors.js';

/** Runs `fn` when a slot is free; p-limit's `limit` has this shape. */
export type SlotLimit = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * The slots behind `run`, taken and given back by hand: a blocking call holds one around its
 * request without the closures and promises `run` costs.
 */
export interface Slots {
  /** Undefined when a slot was free and is now held; otherwise resolves once one is held. */
  acquire(): Promise<void> | undefined;
  /** Gives back a slot `acquire` took. */
  release(): void;
}

/** How a request to the platform ended, as congestion control sees it. */
export type CallOutcome = 'success' | ErrorClass;

/**
 * Decides when each request to the platform may go out. Executors send every call (and every poll
 * of an async platform) through `run`, and report how each attempt ended through `feedback`.
 */
export interface CongestionController {
  readonly run: SlotLimit;
  /** `run`'s slots, where a window of slots is all it waits for (no pacing): the hot path takes them directly. */
  readonly slots?: Slots;
  /** `sentAt` is when the attempt was sent (falco's clock), so late news of old calls can be told apart. */
  feedback(outcome: CallOutcome, sentAt: number): void;
  /** The requests allowed in flight right now. */
  readonly concurrency: number;
  /**
   * The window shrinks on throttling, so a throttled call need not sit out its whole backoff: it
   * comes back as soon as another call succeeds (and the window lets it), as TCP resends when its
   * window allows rather than on a timer.
   */
  readonly pacesThrottled?: boolean;
}
