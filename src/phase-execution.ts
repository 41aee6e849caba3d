import pRetry from 'p-retry';
import type { PhaseBudget } from './budget.js';
import { blockingCall, Call, type CallContext, type CallOutcome, type PlatformCall } from './call.js';
import { DeadlineSignals } from './deadline-signals.js';
import { now, sleep } from './clock.js';
import type { CongestionController } from './congestion/controller.js';
import { ThrottledWaiters } from './congestion/throttled-waiters.js';
import { abortedError, AbortedError, FalcoError, isOutOfMemory, messageOf, PlanError, ThrottledError, toFalcoError, type PlatformTimings } from './errors.js';
import type { MemoryRetry } from './memory-retry.js';
import type { EventBus, FalcoEvents } from './events.js';
import { type Attempt, errorInfo, type ErrorInfo, type Invocation, type InvocationStatus } from './invocation.js';
import type { PhaseResult } from './phase-result.js';
import type { Deployment, InvokeResult, Platform } from './platform.js';
import { backoffMs, type RetryPolicy } from './retry.js';
import { Speculator, type SpeculationSettings, type Watched } from './speculation.js';

export interface PhaseExecutionOptions {
  readonly platform: Platform;
  readonly deployment: Deployment;
  readonly retry: RetryPolicy;
  /** Client-side limit on one attempt; defaults to the function's timeout plus a grace. */
  readonly attemptTimeoutMs: number | undefined;
  readonly stopOnFatal: boolean;
  readonly call: PlatformCall;
  readonly congestion: CongestionController;
  /** Speculative re-execution of stragglers; off when undefined or the function is not idempotent. */
  readonly speculation: SpeculationSettings | undefined;
  readonly signal: AbortSignal | undefined;
  readonly events: EventBus<FalcoEvents> | undefined;
  /** Keep every record for the result (true), or let each go once it has ended and its event is out. */
  readonly keepRecords: boolean;
  /** The run's spending limit, as it applies to this phase; none when undefined. */
  readonly budget?: PhaseBudget | undefined;
  /** Retry an invocation that ran out of memory on a deployment with twice the memory; off when undefined. */
  readonly memoryRetry?: MemoryRetry | undefined;
}

/** A phase's pending records: an array, or an iterable that makes them as they are asked for. */
export type PendingInvocations<I = unknown, O = unknown> = readonly Invocation<I, O>[] | Iterable<Invocation<I, O>> | AsyncIterable<Invocation<I, O>>;

/** How many ids of unsucceeded invocations a streamed result keeps, for the message of the phase after it. */
const UNSUCCEEDED_IDS_KEPT = 10;

/** Added to the function's own timeout so the platform, not falco, reports a function timeout. */
const ATTEMPT_GRACE_MS = 10_000;

const SUPERSEDED = new AbortedError('superseded: the other copy of this attempt finished first');

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
  readonly #context: CallContext;
  readonly #speculator: Speculator | undefined;
  readonly #startedAt = now();
  readonly #source: Iterator<Invocation<I, O>> | AsyncIterator<Invocation<I, O>>;
  /** The records pulled from the source so far, when they are kept. */
  readonly #kept: Invocation<I, O>[] = [];
  readonly #counts = { succeeded: 0, failed: 0, aborted: 0 };
  readonly #unsucceededIds: string[] = [];
  #sourceFailed = false;
  /** Invocations whose first attempt failed and that have not ended yet: backing off, or trying again. */
  #recovering = 0;
  /** Why the phase admits no more attempts (its budget), while the calls in flight finish. */
  #closed: AbortedError | undefined;
  /** The calls' context on each bigger deployment an out-of-memory retry asked for, by its memory. */
  readonly #withMemory = new Map<number, Promise<CallContext>>();
  #fatal: ErrorInfo | undefined;
  /** Where throttled invocations wait when congestion control paces them (see `pacesThrottled`). */
  readonly #throttled: ThrottledWaiters | undefined;
  #unlink: (() => void) | undefined;

  constructor(
    readonly phase: string,
    source: PendingInvocations<I, O>,
    options: PhaseExecutionOptions,
  ) {
    this.#options = options;
    this.#source = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    const timeoutMs = options.attemptTimeoutMs ?? options.deployment.timeoutMs + ATTEMPT_GRACE_MS;
    this.#context = {
      platform: options.platform,
      deployment: options.deployment,
      call: options.call,
      slot: options.congestion.run,
      slots: options.call === blockingCall ? options.congestion.slots : undefined,
      timeoutMs,
      phaseSignal: this.#controller.signal,
      deadlines: new DeadlineSignals(timeoutMs),
      inFlight: new Set(),
    };
    if (options.congestion.pacesThrottled) this.#throttled = new ThrottledWaiters();
    if (options.speculation && options.deployment.idempotent) this.#speculator = new Speculator(options.speculation);
    const outer = options.signal;
    if (outer?.aborted) this.#stop(outer.reason);
    else if (outer) {
      const onAbort = (): void => this.#stop(outer.reason);
      outer.addEventListener('abort', onAbort, { once: true });
      this.#unlink = () => outer.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The phase's pending records, in order, made as they are asked for. Every record taken must be
   * handed to `run` (which ends it aborted once the phase has stopped); every iteration continues
   * where the last one stopped, and what is never taken is ended `aborted` by `finish`. A source that
   * fails (a request that is not { id?, input }, a generator that throws) stops the phase.
   */
  get invocations(): AsyncIterable<Invocation<I, O>> {
    return this.#pull();
  }

  async *#pull(): AsyncGenerator<Invocation<I, O>> {
    for (;;) {
      const next = await this.take();
      if (next === undefined) return;
      yield next;
    }
  }

  /**
   * The next pending record, as `invocations` would yield it: at once from a synchronous source
   * (no promise per record), else a promise; undefined once there are no more.
   */
  take(): Invocation<I, O> | undefined | Promise<Invocation<I, O> | undefined> {
    if (this.#sourceFailed) return undefined;
    let next: IteratorResult<Invocation<I, O>> | Promise<IteratorResult<Invocation<I, O>>>;
    try {
      next = this.#source.next();
    } catch (error) {
      return this.#unreadable(error);
    }
    if (!isPromise(next)) return this.#took(next);
    return next.then(
      (result) => this.#took(result),
      (error: unknown) => this.#unreadable(error),
    );
  }

  #took(next: IteratorResult<Invocation<I, O>>): Invocation<I, O> | undefined {
    if (next.done) return undefined;
    if (this.#options.keepRecords) this.#kept.push(next.value);
    return next.value;
  }

  #unreadable(error: unknown): undefined {
    this.#sourceFailed = true;
    const failure = error instanceof FalcoError ? error : new PlanError(`phase "${this.phase}": reading its invocations failed: ${messageOf(error)}`, { cause: error });
    this.#fail(failure, 'its invocations could not be read');
    return undefined;
  }

  /** Aborted when the caller aborts or a fatal error stops the phase. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Nothing new starts: the phase was stopped, or its budget admits no more attempts. */
  get stopped(): boolean {
    return this.#controller.signal.aborted || this.#closed !== undefined;
  }

  /** Invocations whose first attempt failed and that have not ended yet (backing off, or trying again). */
  get recovering(): number {
    return this.#recovering;
  }

  /** The requests congestion control allows in flight right now. */
  get concurrency(): number {
    return this.#options.congestion.concurrency;
  }

  get platform(): Platform {
    return this.#options.platform;
  }

  /** Runs one invocation to its final status. Never rejects: every failure lands on the record. */
  async run(invocation: Invocation<I, O>): Promise<void> {
    const events = this.#options.events;
    if (this.stopped || !this.#admitted()) return this.#finishAborted(invocation);
    if (events?.has('invocation:start')) events.emit('invocation:start', { invocation });
    const first = this.#speculator
      ? await this.#race(invocation, 1, this.#speculator)
      : this.#noted(invocation, 1, await new Call(this.#context, invocation.id, 1, false).run(invocation.input));
    if (!first.ok) return this.#recover(invocation, first.failure);
    invocation.status = 'succeeded';
    invocation.output = first.result.output as O;
    this.#ended(invocation);
  }

  /** After a failed first attempt: the retry policy's attempts, then attempts with more memory, to the record's final status. */
  async #recover(invocation: Invocation<I, O>, firstFailure: FalcoError): Promise<void> {
    this.#recovering++;
    try {
      let result: InvokeResult;
      try {
        result = await this.#retried(invocation, firstFailure);
      } catch (error) {
        result = await this.#withMoreMemory(invocation, error);
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
      if (failure.errorClass === 'fatal' && this.#options.stopOnFatal) this.#fail(failure, `a fatal error in invocation "${invocation.id}"`);
    } finally {
      this.#recovering--;
    }
    this.#ended(invocation);
  }

  /**
   * Ends what never ran (left pending, or never taken from the source) as aborted and returns the
   * phase's result. Call once, after every `run` has settled.
   */
  async finish(): Promise<PhaseResult<I, O>> {
    this.#unlink?.();
    this.#speculator?.dispose();
    for (const invocation of this.#kept) {
      if (invocation.status === 'pending') this.#finishAborted(invocation);
    }
    for (let invocation = await this.take(); invocation; invocation = await this.take()) this.#finishAborted(invocation);
    const keep = this.#options.keepRecords;
    return {
      phase: this.phase,
      deployment: this.#options.deployment.name,
      invocations: keep ? this.#kept : [],
      records: keep ? 'kept' : 'streamed',
      ...(keep ? {} : { unsucceededIds: this.#unsucceededIds }),
      startedAt: this.#startedAt,
      endedAt: now(),
      counts: { ...this.#counts },
      ...(this.#fatal ? { fatal: this.#fatal } : {}),
    };
  }

  /** The first fatal failure stops the phase; the invocations not yet run end aborted, saying why. */
  #fail(failure: FalcoError, after: string): void {
    if (this.#fatal) return;
    this.#fatal = errorInfo(failure);
    this.#stop(new AbortedError(`not run: phase "${this.phase}" stopped after ${after}: ${failure.message}`));
  }

  #ended(invocation: Invocation<I, O>): void {
    const status = invocation.status as Exclude<InvocationStatus, 'pending'>;
    this.#counts[status]++;
    if (status !== 'succeeded' && !this.#options.keepRecords && this.#unsucceededIds.length < UNSUCCEEDED_IDS_KEPT) {
      this.#unsucceededIds.push(invocation.id);
    }
    this.#options.events?.emit('invocation:end', { invocation });
  }

  /** The retry policy's attempts after the first one failed, where it failed for a reason worth it. */
  async #retried(invocation: Invocation<I, O>, firstFailure: FalcoError): Promise<InvokeResult> {
    if (this.#options.retry.maxAttempts === 1 || !this.#retryable(firstFailure)) throw firstFailure;
    return this.#retry(invocation, firstFailure);
  }

  /**
   * An invocation that ran out of memory, tried again on deployments with twice the memory of the
   * last, up to `memoryRetry.maxMB`; any other failure is thrown on as it is.
   */
  async #withMoreMemory(invocation: Invocation<I, O>, failure: unknown): Promise<InvokeResult> {
    const memoryRetry = this.#options.memoryRetry;
    let error = failure;
    for (let memoryMB = 2 * this.#options.deployment.memoryMB; memoryRetry && memoryMB <= memoryRetry.maxMB && isOutOfMemory(error); memoryMB *= 2) {
      if (this.stopped || !this.#admitted()) throw this.#abortReason();
      const context = await this.#contextWithMemory(memoryRetry, memoryMB);
      const attempt = invocation.attempts.length + 1;
      const outcome = this.#noted(invocation, attempt, await new Call(context, invocation.id, attempt, false).run(invocation.input), memoryMB);
      if (outcome.ok) return outcome.result;
      error = outcome.failure;
    }
    throw error;
  }

  #contextWithMemory(memoryRetry: MemoryRetry, memoryMB: number): Promise<CallContext> {
    let context = this.#withMemory.get(memoryMB);
    if (!context) {
      context = memoryRetry.deploy(memoryMB).then((deployment) => ({ ...this.#context, deployment }));
      this.#withMemory.set(memoryMB, context);
    }
    return context;
  }

  /**
   * The retry path, driven by p-retry: backoff with jitter, the attempt budget, the Retry-After
   * hint. Most invocations succeed at once and never pay for it; the first attempt's failure is
   * handed to p-retry as its own first failure, so the backoff schedule starts there.
   */
  async #retry(invocation: Invocation<I, O>, firstError: unknown): Promise<InvokeResult> {
    const { retry, events } = this.#options;
    // Its own signal, reached by a phase stop through `inFlight`: listeners of every invocation
    // backing off on the one phase signal would make each add and remove scan them all.
    const controller = new AbortController();
    this.#context.inFlight.add(controller);
    const { signal } = controller;
    try {
      return await pRetry((attempt: number) => (attempt === 1 ? Promise.reject(firstError) : this.#attempt(invocation, attempt)), {
        retries: retry.maxAttempts - 1,
        // The wait is taken here, not by p-retry, so the retry event reports the figure waited.
        minTimeout: 0,
        signal,
        shouldRetry: ({ error }) => this.#retryable(error),
        onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
          if (retriesLeft === 0 || !this.#retryable(error)) return;
          // The platform's Retry-After hint comes on top of the backoff: it says when to come back at the earliest.
          const delayMs = ((error as { retryAfterMs?: number }).retryAfterMs ?? 0) + backoffMs(retry, retriesConsumed + 1);
          const last = invocation.attempts[invocation.attempts.length - 1];
          if (last) events?.emit('invocation:retry', { invocation, attempt: last, delayMs });
          // With no Retry-After to honour, a window that paces throttled calls lets them come back at the next success.
          const throttled = this.#throttled && error instanceof ThrottledError && error.retryAfterMs === undefined ? this.#throttled : undefined;
          await (throttled ? throttled.wait(delayMs, signal) : sleep(delayMs, signal));
        },
      });
    } finally {
      this.#context.inFlight.delete(controller);
    }
  }

  #retryable(error: unknown): boolean {
    return error instanceof FalcoError && !this.stopped && this.#options.retry.retryOn.includes(error.errorClass);
  }

  /** One attempt of the retry path, as p-retry wants it: the result, or the failure thrown. */
  async #attempt(invocation: Invocation<I, O>, attempt: number): Promise<InvokeResult> {
    if (!this.#admitted()) throw this.#abortReason();
    const outcome = this.#speculator
      ? await this.#race(invocation, attempt, this.#speculator)
      : this.#noted(invocation, attempt, await new Call(this.#context, invocation.id, attempt, false).run(invocation.input));
    if (outcome.ok) return outcome.result;
    throw outcome.failure;
  }

  /**
   * An attempt that may be copied: if it runs too long, the speculator launches a twin; the first
   * to succeed wins, the other is aborted, and both are recorded (the twin marked speculative).
   */
  async #race(invocation: Invocation<I, O>, attempt: number, speculator: Speculator): Promise<CallOutcome> {
    const primary = new Call(this.#context, invocation.id, attempt, false, true);
    let copy: { call: Call; outcome: Promise<CallOutcome> } | undefined;
    let copied: () => void = () => {};
    const launched = new Promise<void>((resolve) => (copied = resolve));
    const watched: Watched = {
      since: 0,
      copy: () => {
        if (!this.#admitted()) return;
        const call = new Call(this.#context, invocation.id, attempt, true, true);
        copy = { call, outcome: call.run(invocation.input) };
        copied();
      },
    };
    primary.onSubmitted = (at) => {
      watched.since = at;
      speculator.watch(watched);
    };
    const primaryOutcome = primary.run(invocation.input);
    const alone = await Promise.race([primaryOutcome, launched.then(() => undefined)]);
    speculator.unwatch(watched);
    if (!copy) return this.#noted(invocation, attempt, alone ?? (await primaryOutcome));
    const twin: { call: Call; outcome: Promise<CallOutcome> } = copy;
    const first = await Promise.race([
      primaryOutcome.then((outcome) => ({ outcome, speculative: false })),
      twin.outcome.then((outcome) => ({ outcome, speculative: true })),
    ]);
    const [other, otherOutcome] = first.speculative ? [primary, primaryOutcome] : [twin.call, twin.outcome];
    if (first.outcome.ok) other.abort(SUPERSEDED);
    const second = await otherOutcome;
    this.#note(invocation, attempt, first.outcome, first.speculative);
    this.#note(invocation, attempt, second, !first.speculative);
    return first.outcome.ok ? first.outcome : second;
  }

  #noted(invocation: Invocation<I, O>, attemptNumber: number, outcome: CallOutcome, memoryMB?: number): CallOutcome {
    this.#note(invocation, attemptNumber, outcome, false, memoryMB);
    return outcome;
  }

  /** Records an outcome on the invocation and tells congestion control and the speculator about it. */
  #note(invocation: Invocation<I, O>, attemptNumber: number, outcome: CallOutcome, speculative: boolean, memoryMB?: number): void {
    const { submittedAt, endedAt } = outcome;
    if (submittedAt === 0) {
      this.#options.budget?.settle(undefined);
      return; // never sent: the phase stopped first
    }
    this.#options.congestion.feedback(outcome.ok ? 'success' : outcome.failure.errorClass, submittedAt);
    const attempt: Attempt = { attempt: attemptNumber, submittedAt, endedAt };
    if (speculative) attempt.speculative = true;
    if (memoryMB !== undefined) attempt.memoryMB = memoryMB;
    let timings: PlatformTimings | undefined;
    if (outcome.ok) {
      this.#throttled?.succeeded();
      timings = outcome.result;
      this.#speculator?.observe(endedAt - submittedAt);
    } else {
      attempt.errorClass = outcome.failure.errorClass;
      attempt.error = outcome.failure.message;
      if (isOutOfMemory(outcome.failure)) attempt.outOfMemory = true;
      timings = outcome.failure.timings;
    }
    if (timings) {
      const target = attempt as unknown as Record<string, unknown>;
      for (const key of TIMING_KEYS) {
        const value = timings[key];
        if (value !== undefined) target[key] = value;
      }
    }
    this.#options.budget?.settle(attempt);
    // A record's first attempt makes its array, sized to one, where a push would reserve room for seventeen.
    if (invocation.attempts.length === 0) invocation.attempts = [attempt];
    else invocation.attempts.push(attempt);
    const events = this.#options.events;
    if (events?.has('invocation:attempt')) events.emit('invocation:attempt', { invocation, attempt });
  }

  #abortReason(): FalcoError {
    if (this.#closed && !this.signal.aborted) return this.#closed;
    return abortedError(this.signal.reason, `phase "${this.phase}"`);
  }

  /** Whether the budget (if any) admits one more attempt; the first refusal closes the phase to new ones. */
  #admitted(): boolean {
    const budget = this.#options.budget;
    if (!budget || this.#closed) return !this.#closed;
    if (budget.admit()) return true;
    this.#closed = budget.exceeded();
    this.#options.events?.emit('budget:exceeded', { phase: this.phase, usd: budget.budget.usd, spentUsd: budget.budget.spentUsd, reason: this.#closed.message });
    return false;
  }

  #finishAborted(invocation: Invocation<I, O>): void {
    invocation.status = 'aborted';
    const reason = this.#abortReason();
    invocation.error = { class: 'aborted', name: 'AbortedError', message: reason.message };
    this.#ended(invocation);
  }

  #stop(reason: unknown): void {
    if (this.stopped) return;
    const why = abortedError(reason, `phase "${this.phase}"`);
    this.#controller.abort(why);
    for (const controller of this.#context.inFlight) controller.abort(why);
    this.#context.deadlines.abortAll(why);
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Partial<Promise<T>>).then === 'function';
}
