import { now } from './clock.js';
import type { SlotLimit } from './congestion/controller.js';
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
  readonly timeoutMs: number;
  /** Aborts when the phase stops; its reason is the why. */
  readonly phaseSignal: AbortSignal;
  /** Controllers of the calls in flight, so a phase stop reaches them. */
  readonly inFlight: Set<AbortController>;
}

export type CallOutcome =
  | { readonly ok: true; readonly result: InvokeResult; readonly submittedAt: number; readonly endedAt: number }
  | { readonly ok: false; readonly failure: FalcoError; readonly submittedAt: number; readonly endedAt: number };

/** The abort reason of a call's own deadline, told apart from other reasons by identity. */
const DEADLINE_EXPIRED = Object.freeze(new Error('attempt deadline expired'));

/**
 * One request for one attempt (or its speculative copy). Its abort signal and deadline timer are
 * made when the platform first reads `options.signal`: a platform that never reads it cannot be
 * cancelled, and pays nothing.
 */
export class Call {
  readonly options: InvokeOptions;
  /** When the first request went out; 0 until then. */
  submittedAt = 0;
  /** When the last request came back, read before its slot is freed so records never overlap a slot. */
  #endedAt = 0;
  /** Called once, when the first request goes out. */
  onSubmitted: ((at: number) => void) | undefined;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #abortedWith: unknown;

  constructor(
    private readonly context: CallContext,
    invocationId: string,
    attempt: number,
    speculative: boolean,
  ) {
    const call = this;
    this.options = {
      invocationId,
      attempt,
      ...(speculative ? { speculative } : {}),
      get signal(): AbortSignal {
        return call.#signal();
      },
    };
  }

  /** Cancels the call with `reason` (a superseded speculative race, say). */
  abort(reason: unknown): void {
    this.#abortedWith ??= reason;
    this.#controller?.abort(reason);
  }

  /** Never rejects: a failure comes back classified. */
  async run(input: unknown): Promise<CallOutcome> {
    const { context } = this;
    const slot: SlotLimit = (fn) =>
      context.slot(() => {
        if (context.phaseSignal.aborted) throw context.phaseSignal.reason;
        if (this.submittedAt === 0) {
          this.submittedAt = now();
          this.onSubmitted?.(this.submittedAt);
        }
        return fn().finally(this.#stamp);
      });
    try {
      const result = await context.call(context.platform, context.deployment, input, this.options, slot);
      return { ok: true, result, submittedAt: this.submittedAt, endedAt: this.#endedAt || now() };
    } catch (error) {
      const signal = this.#controller?.signal;
      const failure = signal?.aborted ? this.#whyAborted(signal.reason, error) : toFalcoError(error);
      return { ok: false, failure, submittedAt: this.submittedAt, endedAt: this.#endedAt || now() };
    } finally {
      if (this.#controller) {
        clearTimeout(this.#timer);
        context.inFlight.delete(this.#controller);
      }
    }
  }

  readonly #stamp = (): void => {
    this.#endedAt = now();
  };

  #signal(): AbortSignal {
    if (this.#controller) return this.#controller.signal;
    const { context } = this;
    const controller = (this.#controller = new AbortController());
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
      const { invocationId, attempt } = this.options;
      return new TimeoutError(
        `invocation "${invocationId}" attempt ${attempt} got no answer within ${this.context.timeoutMs} ms`,
        timings ? { cause: error, timings } : { cause: error },
      );
    }
    return toFalcoError(reason);
  }
}
