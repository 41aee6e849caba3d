import pRetry from 'p-retry';
import { now, sleep } from './clock.js';
import { AbortedError, FalcoError, TimeoutError, toFalcoError, type PlatformTimings } from './errors.js';
import type { EventBus, FalcoEvents } from './events.js';
import { type Attempt, errorInfo, type ErrorInfo, type Invocation } from './invocation.js';
import { countStatuses, type PhaseResult } from './phase-result.js';
import type { Deployment, InvokeOptions, InvokeResult, Platform } from './platform.js';
import type { RetryPolicy } from './retry.js';

/** Runs `fn` when a concurrency slot is free; p-limit's `limit` has this shape. */
export type SlotLimit = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * How one attempt reaches the platform: a blocking invoke, or submit-then-poll. Every request to
 * the platform goes through `slot`, which waits for a free concurrency slot; the attempt's clock
 * and timeout start when the first slot is granted, so time spent queued is not counted.
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

export interface PhaseExecutionOptions {
  readonly platform: Platform;
  readonly deployment: Deployment;
  readonly retry: RetryPolicy;
  /** Client-side limit on one attempt; defaults to the function's timeout plus a grace. */
  readonly attemptTimeoutMs: number | undefined;
  readonly stopOnFatal: boolean;
  readonly call: PlatformCall;
  readonly signal: AbortSignal | undefined;
  readonly events: EventBus<FalcoEvents> | undefined;
}

/** Added to the function's own timeout so the platform, not falco, reports a function timeout. */
const ATTEMPT_GRACE_MS = 10_000;

/** The abort reason of an attempt's own deadline, told apart from a phase abort by identity. */
const DEADLINE_EXPIRED = Object.freeze(new Error('attempt deadline expired'));

const TIMING_KEYS = [
  'activationId',
  'startedAt',
  'durationMs',
  'billedDurationMs',
  'initDurationMs',
  'coldStart',
  'memoryUsedMB',
] as const satisfies readonly (keyof PlatformTimings)[];

/**
 * The state of one phase while an executor runs it: the flow of one invocation (slot, call,
 * classification, retry, record, event) lives here, so every executor produces the same records
 * and differs only in when it starts each invocation.
 */
export class PhaseExecution<I = unknown, O = unknown> {
  readonly #options: PhaseExecutionOptions;
  readonly #controller = new AbortController();
  readonly #attemptTimeoutMs: number;
  readonly #inFlight = new Set<AbortController>();
  readonly #startedAt = now();
  #fatal: ErrorInfo | undefined;
  #unlink: (() => void) | undefined;

  constructor(
    readonly phase: string,
    readonly invocations: Invocation<I, O>[],
    options: PhaseExecutionOptions,
  ) {
    this.#options = options;
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? options.deployment.timeoutMs + ATTEMPT_GRACE_MS;
    const outer = options.signal;
    if (outer?.aborted) this.#stop(outer.reason);
    else if (outer) {
      const onAbort = (): void => this.#stop(outer.reason);
      outer.addEventListener('abort', onAbort, { once: true });
      this.#unlink = () => outer.removeEventListener('abort', onAbort);
    }
  }

  /** Aborted when the caller aborts or a fatal error stops the phase. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get stopped(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Runs one invocation to its final status. Never rejects: every failure lands on the record. */
  async run(invocation: Invocation<I, O>, limit: SlotLimit): Promise<void> {
    const events = this.#options.events;
    if (this.stopped) return this.#finishAborted(invocation);
    events?.emit('invocation:start', { invocation });
    try {
      let result: InvokeResult;
      try {
        result = await this.#attempt(invocation, 1, limit);
      } catch (error) {
        if (this.#options.retry.maxAttempts === 1 || !this.#retryable(error)) throw error;
        result = await this.#retry(invocation, limit, error);
      }
      invocation.status = 'succeeded';
      invocation.output = result.output as O;
    } catch (error) {
      if (this.stopped && !(error instanceof FalcoError && error.errorClass !== 'aborted')) {
        return this.#finishAborted(invocation);
      }
      const failure = toFalcoError(error);
      invocation.status = 'failed';
      invocation.error = errorInfo(failure);
      if (failure.errorClass === 'fatal' && this.#options.stopOnFatal && !this.#fatal) {
        this.#fatal = invocation.error;
        this.#stop(new AbortedError(`not run: phase "${this.phase}" stopped after a fatal error in invocation "${invocation.id}": ${failure.message}`));
      }
    }
    events?.emit('invocation:end', { invocation });
  }

  /**
   * The retry path, driven by p-retry: backoff with jitter, the attempt budget, the Retry-After
   * hint. Most invocations succeed at once and never pay for it; the first attempt's failure is
   * handed to p-retry as its own first failure, so the backoff schedule starts there.
   */
  #retry(invocation: Invocation<I, O>, limit: SlotLimit, firstError: unknown): Promise<InvokeResult> {
    const { retry, events } = this.#options;
    return pRetry(
      (attempt: number) => (attempt === 1 ? Promise.reject(firstError) : this.#attempt(invocation, attempt, limit)),
      {
        retries: retry.maxAttempts - 1,
        factor: retry.factor,
        minTimeout: retry.minDelayMs,
        maxTimeout: retry.maxDelayMs,
        randomize: retry.jitter,
        signal: this.signal,
        shouldRetry: ({ error }) => this.#retryable(error),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (retriesLeft === 0 || !this.#retryable(error)) return;
          const hint = (error as { retryAfterMs?: number }).retryAfterMs ?? 0;
          const last = invocation.attempts[invocation.attempts.length - 1];
          if (last) events?.emit('invocation:retry', { invocation, attempt: last, delayMs: Math.max(hint, retry.minDelayMs) });
          // p-retry's own backoff follows this wait: the platform's hint is a floor, not a replacement.
          if (hint > 0) await sleep(hint, this.signal);
        },
      },
    );
  }

  /** Marks what never ran as aborted and returns the phase's result. Call once, at the end. */
  finish(): PhaseResult<I, O> {
    this.#unlink?.();
    for (const invocation of this.invocations) {
      if (invocation.status === 'pending') this.#finishAborted(invocation);
    }
    const result: PhaseResult<I, O> = {
      phase: this.phase,
      deployment: this.#options.deployment.name,
      invocations: this.invocations,
      startedAt: this.#startedAt,
      endedAt: now(),
      counts: countStatuses(this.invocations),
      ...(this.#fatal ? { fatal: this.#fatal } : {}),
    };
    return result;
  }

  #retryable(error: unknown): boolean {
    return error instanceof FalcoError && !this.stopped && this.#options.retry.retryOn.includes(error.errorClass);
  }

  async #attempt(invocation: Invocation<I, O>, attemptNumber: number, limit: SlotLimit): Promise<InvokeResult> {
    let submittedAt = 0;
    let controller: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    const slot: SlotLimit = (fn) =>
      limit(() => {
        if (this.stopped) throw this.#abortReason();
        if (submittedAt === 0) submittedAt = now();
        return fn();
      });
    const inFlight = this.#inFlight;
    const timeoutMs = this.#attemptTimeoutMs;
    const phaseSignal = this.signal;
    const options: InvokeOptions = {
      invocationId: invocation.id,
      attempt: attemptNumber,
      // Made on first read: a platform that never reads it cannot be cancelled, and pays nothing.
      get signal(): AbortSignal {
        if (!controller) {
          const own = (controller = new AbortController());
          if (phaseSignal.aborted) own.abort(phaseSignal.reason);
          inFlight.add(own);
          // Whole milliseconds: Node keeps one timer list per distinct duration.
          timer = setTimeout(() => own.abort(DEADLINE_EXPIRED), Math.max(0, Math.ceil((submittedAt || now()) + timeoutMs - now())));
        }
        return controller.signal;
      },
    };
    try {
      const result = await this.#options.call(this.#options.platform, this.#options.deployment, invocation.input, options, slot);
      this.#record(invocation, { attempt: attemptNumber, submittedAt, endedAt: now() }, result);
      return result;
    } catch (error) {
      if (submittedAt === 0) throw error; // never reached the platform: the phase stopped first
      const signal = controller?.signal;
      const failure = signal?.aborted ? this.#whyAborted(invocation, attemptNumber, signal.reason, error) : toFalcoError(error);
      const attempt: Attempt = { attempt: attemptNumber, submittedAt, endedAt: now(), errorClass: failure.errorClass, error: failure.message };
      this.#record(invocation, attempt, failure.timings);
      throw failure;
    } finally {
      if (controller) {
        clearTimeout(timer);
        inFlight.delete(controller);
      }
    }
  }

  /** A platform call cut off by our own signal: say why (deadline or phase abort), keeping its timings. */
  #whyAborted(invocation: Invocation<I, O>, attemptNumber: number, reason: unknown, error: unknown): FalcoError {
    if (error instanceof FalcoError && error.errorClass !== 'aborted' && error.errorClass !== 'fatal') return error;
    if (reason === DEADLINE_EXPIRED) {
      const timings = error instanceof FalcoError ? error.timings : undefined;
      return new TimeoutError(
        `invocation "${invocation.id}" attempt ${attemptNumber} got no answer within ${this.#attemptTimeoutMs} ms`,
        timings ? { cause: error, timings } : { cause: error },
      );
    }
    return reason instanceof FalcoError ? reason : toFalcoError(reason);
  }

  #record(invocation: Invocation<I, O>, attempt: Attempt, timings: PlatformTimings | undefined): void {
    if (timings) {
      const target = attempt as unknown as Record<string, unknown>;
      for (const key of TIMING_KEYS) {
        const value = timings[key];
        if (value !== undefined) target[key] = value;
      }
    }
    invocation.attempts.push(attempt);
    this.#options.events?.emit('invocation:attempt', { invocation, attempt });
  }

  #abortReason(): FalcoError {
    const reason: unknown = this.signal.reason;
    return reason instanceof FalcoError ? reason : new AbortedError(`phase "${this.phase}" was aborted: ${describe(reason)}`, { cause: reason });
  }

  #finishAborted(invocation: Invocation<I, O>): void {
    invocation.status = 'aborted';
    const reason = this.#abortReason();
    invocation.error = { class: 'aborted', name: 'AbortedError', message: reason.message };
    this.#options.events?.emit('invocation:end', { invocation });
  }

  #stop(reason: unknown): void {
    if (this.stopped) return;
    const why = reason instanceof FalcoError ? reason : new AbortedError(`phase "${this.phase}" was aborted: ${describe(reason)}`, { cause: reason });
    this.#controller.abort(why);
    for (const controller of this.#inFlight) controller.abort(why);
  }
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'no reason given');
}
