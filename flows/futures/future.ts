import { AbortedError, FalcoError, FatalError, FunctionError, ThrottledError, TimeoutError, TransientError, type ErrorClass } from '../../src/errors.js';
import type { ErrorInfo, Invocation } from '../../src/invocation.js';
import type { Future, Settled } from './types.js';
import { getResult } from './wait.js';

type SettledListener<O> = (settled: Settled<O>) => void;

/**
 * A future that can be told when it ends without a promise per waiter: `wait` and `getResult` listen
 * through it, so a loop of `wait(notDone, { returnWhen: 'any' })` leaves nothing behind on the calls still running.
 */
export interface Subscribable<O> {
  /** Calls `listener` once, when the call ends (at once if it has). */
  onSettled(listener: SettledListener<O>): void;
  /** Stops a listener given to `onSettled` before the call ended. */
  offSettled(listener: SettledListener<O>): void;
}

/** The future of one call made by a `FutureExecutor`: settled by the executor as the invocation ends. */
export class CallFuture<O> implements Future<O>, Subscribable<O> {
  #settled: Settled<O> | undefined;
  #error: FalcoError | undefined;
  #record: Invocation<unknown, O> | undefined;
  #promise: Promise<Settled<O>> | undefined;
  #resolve: ((settled: Settled<O>) => void) | undefined;
  #listeners: SettledListener<O>[] | undefined;

  constructor(readonly key: string) {}

  get done(): boolean {
    return this.#settled !== undefined;
  }

  settled(): Promise<Settled<O>> {
    this.#promise ??= this.#settled ? Promise.resolve(this.#settled) : new Promise((resolve) => (this.#resolve = resolve));
    return this.#promise;
  }

  async result(options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<O> {
    if (!this.#settled) await getResult([this], { ...options, throwOnError: false });
    const settled = this.#settled!;
    if (settled.status === 'succeeded') return settled.output;
    throw (this.#error ??= errorFromInfo(this.key, settled.status, settled.error));
  }

  record(): Invocation<unknown, O> | undefined {
    return this.#record;
  }

  onSettled(listener: SettledListener<O>): void {
    if (this.#settled) listener(this.#settled);
    else (this.#listeners ??= []).push(listener);
  }

  offSettled(listener: SettledListener<O>): void {
    const index = this.#listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.#listeners!.splice(index, 1);
  }

  /** Ends the future with its invocation's final record. */
  settleFrom(invocation: Invocation<unknown, O>): void {
    this.#record = invocation;
    if (invocation.status === 'succeeded') this.#settle({ status: 'succeeded', output: invocation.output as O });
    else this.#settle({ status: invocation.status === 'aborted' ? 'aborted' : 'failed', error: invocation.error ?? { class: 'fatal', name: 'FatalError', message: 'ended without an error' } });
  }

  /** Ends the future with an error, for a call that never reached an executor (its deploy failed, its input did). */
  fail(error: FalcoError): void {
    this.#error = error;
    this.#settle({ status: error.errorClass === 'aborted' ? 'aborted' : 'failed', error: { class: error.errorClass, name: error.name, message: error.message } });
  }

  #settle(settled: Settled<O>): void {
    if (this.#settled) return;
    this.#settled = settled;
    this.#resolve?.(settled);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    listeners?.forEach((listener) => listener(settled));
  }
}

const ERRORS: Record<Exclude<ErrorClass, 'function' | 'throttled'>, new (message: string) => FalcoError> = {
  transient: TransientError,
  timeout: TimeoutError,
  fatal: FatalError,
  aborted: AbortedError,
};

/** The falco error of a record's `ErrorInfo`, named after the call: what `result()` rejects with. */
function errorFromInfo(key: string, status: 'failed' | 'aborted', info: ErrorInfo): FalcoError {
  const message = `call ${key} ${status}: ${info.message}`;
  if (info.class === 'function') return new FunctionError(message, info.type === undefined ? {} : { errorType: info.type });
  if (info.class === 'throttled') return new ThrottledError(message);
  return new ERRORS[info.class](message);
}
