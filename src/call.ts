import { now } from './clock.js';
import type { SlotLimit, Slots } from './congestion/controller.js';
import { DEADLINE_EXPIRED, DeadlineSignals } from './deadline-signals.js';
import { FalcoError, TimeoutError, toFalcoError } from './errors.js';
import type { Deployment, InvokeOptions, InvokeResult, Platform } from './platform.js';

/**
 * How one attempt reaches the platform: a blocking invoke, or submit-then-poll. Every request to
 * the platform goes through `slot`, which waits for congestion control to let it go; the
 * attempt's clock and deadline start when the first request goes out, so time queued is not counted.
 */
export type PlatformCall = (
  platform: Platform,
  deployment: Deployment,
  input: unknown,
  options: InvokeOptions,
  slot: SlotLimit,
) => Promise<InvokeResult>;

export const blockingCall: PlatformCall = (platform, deployment, input, options, slot) =>
  slot(() => platform.invoke(deployment, input, options));

/** What a call shares with the other calls of its phase. */
export interface CallContext {
  readonly platform: Platform;
  readonly deployment: Deployment;
  readonly call: PlatformCall;
  readonly slot: SlotLimit;
  /** `slot`'s slots, taken by hand for a blocking call; undefined where `slot` does more (paces) or the call is not blocking. */
  readonly slots: Slots | undefined;
  readonly timeoutMs: number;
  /** Aborts when the phase stops; its reason is the why. */
  readonly phaseSignal: AbortSignal;
  /** Deadline signals shared by calls that start together. */
  readonly deadlines: DeadlineSignals;
  /** Controllers a phase stop must reach: calls that have their own, invocations backing off. */
  readonly inFlight: Set<AbortController>;
}

export type CallOutcome =
  | { readonly ok: true; readonly result: InvokeResult; readonly submittedAt: number; readonly endedAt: number }
  | { readonly ok: false; readonly failure: FalcoError; readonly submittedAt: number; readonly endedAt: number };

/**
 * One request for one attempt (or its speculative copy). Its abort signal is taken when the
 * platform first reads `signal` (a platform that never reads it cannot be cancelled, and pays
 * nothing): a deadline signal shared with calls that started together, or, for a call that must be
 * abortable on its own (`exclusive`: a speculative race), a controller and timer of its own.
 */
export class Call implements InvokeOptions {
  /** When the first request went out; 0 until then. */
  submittedAt = 0;
  /** Called once, when the first request goes out. */
  onSubmitted: ((at: number) => void) | undefined;
  readonly speculative: boolean;
  /** When the last request came back, read before its slot is freed so records never overlap a slot. */
  #endedAt = 0;
  /** The last request failed: a failure of the call came from it, not from waiting between requests. */
  #requestFailed = false;
  #own: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #group: ReturnType<DeadlineSignals['acquire']> | undefined;
  #abortedWith: unknown;

  constructor(
    private readonly context: CallContext,
    readonly invocationId: string,
    readonly attempt: number,
    speculative: boolean,
    private readonly exclusive = false,
  ) {
    this.speculative = speculative;
  }

  /** The call is its own InvokeOptions, so nothing more is allocated per call; the signal is made on first read. */
  get signal(): AbortSignal {
    return this.#signal();
  }

  /** Cancels an exclusive call with `reason` (a superseded speculative race, say). */
  abort(reason: unknown): void {
    this.#abortedWith ??= reason;
    this.#own?.abort(reason);
  }

  /** Never rejects: a failure comes back classified. */
  async run(input: unknown): Promise<CallOutcome> {
    const { context } = this;
    const { slots } = context;
    try {
      let result: InvokeResult;
      if (slots) {
        // blockingCall, inlined with its slot taken by hand: no closure, and no promise when a slot is free.
        const wait = slots.acquire();
        if (wait) await wait;
        try {
          this.#sent();
          try {
            result = await context.platform.invoke(context.deployment, input, this);
          } catch (error) {
            this.#requestFailed = true;
            throw error;
          } finally {
            // Before the slot is freed, so an attempt never overlaps the next one in its slot.
            this.#endedAt = now();
          }
        } finally {
          slots.release();
        }
      } else {
        result = await context.call(context.platform, context.deployment, input, this, this.#requests());
      }
      return { ok: true, result, submittedAt: this.submittedAt, endedAt: this.#endedAt || now() };
    } catch (error) {
      const signal = (this.#own ?? this.#group?.controller)?.signal;
      const failure = signal?.aborted ? this.#whyAborted(signal.reason, error) : toFalcoError(error);
      // Cut off between requests (an async call waiting to poll again), it ended when falco gave up, not at its last poll.
      return { ok: false, failure, submittedAt: this.submittedAt, endedAt: this.#requestFailed ? this.#endedAt : now() };
    } finally {
      if (this.#own) {
        clearTimeout(this.#timer);
        context.inFlight.delete(this.#own);
      }
      if (this.#group) context.deadlines.release(this.#group);
    }
  }

  /** The slot every request of a call that is not simply blocking (a submit, then polls) goes through. */
  #requests(): SlotLimit {
    return (fn) =>
      this.context.slot(async () => {
        this.#sent();
        try {
          const result = await fn();
          this.#requestFailed = false;
          return result;
        } catch (error) {
          this.#requestFailed = true;
          throw error;
        } finally {
          this.#endedAt = now();
        }
      });
  }

  /** A request is about to go out: none does once the phase has stopped. */
  #sent(): void {
    const { phaseSignal } = this.context;
    if (phaseSignal.aborted) throw phaseSignal.reason;
    if (this.submittedAt === 0) {
      this.submittedAt = now();
      this.onSubmitted?.(this.submittedAt);
    }
  }

  #signal(): AbortSignal {
    const existing = this.#own ?? this.#group?.controller;
    if (existing) return existing.signal;
    const { context } = this;
    if (!this.exclusive) {
      this.#group = context.deadlines.acquire(this.submittedAt || now());
      return this.#group.controller.signal;
    }
    const controller = (this.#own = new AbortController());
    if (context.phaseSignal.aborted) controller.abort(context.phaseSignal.reason);
    else if (this.#abortedWith !== undefined) controller.abort(this.#abortedWith);
    context.inFlight.add(controller);
    const left = (this.submittedAt || now()) + context.timeoutMs - now();
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    this.#timer = setTimeout(() => controller.abort(DEADLINE_EXPIRED), Math.max(0, Math.ceil(left)));
    return controller.signal;
  }

  /** A request cut off by our own signal: say why (deadline, phase stop, superseded), keeping its timings. */
  #whyAborted(reason: unknown, error: unknown): FalcoError {
    if (error instanceof FalcoError && error.errorClass !== 'aborted' && error.errorClass !== 'fatal') return error;
    if (reason === DEADLINE_EXPIRED) {
      const timings = error instanceof FalcoError ? error.timings : undefined;
      const { invocationId, attempt } = this;
      return new TimeoutError(
        `invocation "${invocationId}" attempt ${attempt} got no answer within ${this.context.timeoutMs} ms`,
        timings ? { cause: error, timings } : { cause: error },
      );
    }
    return toFalcoError(reason);
  }
}
