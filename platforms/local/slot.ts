import { now } from '../../src/clock.js';
import { AbortedError, type FalcoError, FunctionError, type PlatformTimings, TimeoutError } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';
import { memoryMessage, type Crash, type Instance, type InstanceFactory, type InstanceHandlers } from './instance.js';
import { excerpt } from './messages.js';
import { monotonicMs, type Failure, type Reply, type Success } from './protocol.js';

/** What a slot needs from the pool that owns it. */
export interface PoolContext {
  readonly name: string;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly idleTimeoutMs: number;
  /** The slot finished a call and its instance is warm and free. */
  release(slot: Slot): void;
  /** The slot's instance is ending (`gone` resolves once it has); forget the slot. Idempotent. */
  discard(slot: Slot, gone: Promise<void>): void;
}

/**
 * How long a new instance may take to start and load the action, when the function's own timeout
 * is shorter: like Lambda's init phase, start-up has its own limit, so that a short timeout does
 * not fail every cold start on a busy machine.
 */
const INIT_LIMIT_MS = 10_000;

/** Converts the monotonic times instances report into falco's clock (`now()`). */
const MONOTONIC_TO_FALCO = now() - monotonicMs();

/**
 * One instance of a pool and the call it is running. The slot itself is the call's abort
 * listener, and its timeout and idle timers are made once and re-armed, so a warm call allocates
 * little beyond its promise.
 */
export class Slot implements InstanceHandlers {
  readonly #pool: PoolContext;
  readonly #instance: Instance;
  #warm = false;
  #idleTimer: NodeJS.Timeout | undefined;
  // The call in flight, if any.
  #resolve: ((result: InvokeResult) => void) | undefined;
  #reject: ((error: FalcoError) => void) | undefined;
  #signal: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #activationId = '';
  #cold = false;
  #initDurationMs: number | undefined;
  #sentAt: number | undefined;

  constructor(pool: PoolContext, factory: InstanceFactory) {
    this.#pool = pool;
    this.#instance = factory(this);
  }

  get busy(): boolean {
    return this.#reject !== undefined;
  }

  run(args: string, signal: AbortSignal | undefined, activationId: string): Promise<InvokeResult> {
    const promise = new Promise<InvokeResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#activationId = activationId;
    this.#signal = signal;
    signal?.addEventListener('abort', this);
    this.#cold = !this.#warm;
    this.#sentAt = undefined;
    // The timer is ref'd while a call is in flight: that is what keeps the process alive meanwhile.
    if (this.#warm) {
      this.#timer?.refresh().ref();
      this.#send(args);
    } else {
      this.#timer = setTimeout(this.#onTimeout, Math.max(this.#pool.timeoutMs, INIT_LIMIT_MS));
      void this.#start(args);
    }
    return promise;
  }

  /** Ends the instance, failing the call in flight with `error`. */
  end(error: FalcoError): Promise<void> {
    const reject = this.#reject;
    this.#stopTimers();
    if (this.#finish()) reject?.(error);
    return this.#instance.kill();
  }

  reply(reply: Reply): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (!this.#finish() || !resolve || !reject) return;
    this.#warm = true;
    if (reply.ok) {
      const error = errorResult(reply.output) ?? notAnObject(this.#pool.name, reply.output);
      this.#release();
      if (error === undefined) resolve(this.#result(reply));
      else reject(new FunctionError(error.message, { errorType: error.errorType, timings: this.#measured(reply) }));
      return;
    }
    if (reply.kind === 'memory') {
      this.#drop();
      const message = memoryMessage(this.#pool.name, this.#pool.memoryMB, reply.message);
      reject(new FunctionError(message, { errorType: reply.errorType, outOfMemory: true, timings: this.#measured(reply) }));
      return;
    }
    this.#release();
    reject(failureError(reply, this.#measured(reply)));
  }

  crashed(crash: Crash): void {
    this.#drop(); // what the function started may still run
    const reject = this.#reject;
    if (this.#finish()) {
      reject?.(new FunctionError(crash.message, { errorType: crash.errorType, outOfMemory: crash.outOfMemory ?? false, cause: crash.cause, timings: this.#timings() }));
    }
  }

  /** The call's signal aborted: give up on the call and end the instance that runs it. */
  handleEvent(): void {
    const reason: unknown = this.#signal?.reason;
    this.#abandon(new AbortedError(`the call to function "${this.#pool.name}" was aborted; its instance was ended`, { cause: reason, timings: this.#timings() }));
  }

  async #start(args: string): Promise<void> {
    const begin = now();
    try {
      await this.#instance.start();
    } catch (error) {
      this.#abandon(error as FalcoError);
      return;
    }
    if (!this.busy) return;
    this.#initDurationMs = now() - begin;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#onTimeout, this.#pool.timeoutMs);
    this.#send(args);
  }

  #send(args: string): void {
    this.#sentAt = now();
    this.#instance.send(args);
  }

  readonly #onTimeout = (): void => {
    if (!this.busy) return; // armed for a call that has since finished
    const { name, timeoutMs } = this.#pool;
    const message = this.#sentAt === undefined
      ? `a new instance of function "${name}" did not start within ${Math.max(timeoutMs, INIT_LIMIT_MS)} ms; it was ended`
      : `function "${name}" did not finish within its timeout of ${timeoutMs} ms; its instance was ended`;
    this.#abandon(new TimeoutError(message, { timings: this.#timings() }));
  };

  readonly #onIdle = (): void => {
    if (!this.busy) this.#drop();
  };

  /** Fails the call in flight (if still in flight) and ends the instance. */
  #abandon(error: FalcoError): void {
    const reject = this.#reject;
    if (!this.#finish()) return;
    this.#drop();
    reject?.(error);
  }

  #drop(): void {
    this.#stopTimers();
    this.#pool.discard(this, this.#instance.kill());
  }

  #stopTimers(): void {
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#timer);
  }

  #release(): void {
    if (this.#idleTimer) this.#idleTimer.refresh();
    else this.#idleTimer = setTimeout(this.#onIdle, this.#pool.idleTimeoutMs).unref();
    this.#pool.release(this);
  }

  /** Forgets the call in flight (read its resolve and reject first); false when there was none. */
  #finish(): boolean {
    if (this.#reject === undefined) return false;
    this.#resolve = undefined;
    this.#reject = undefined;
    this.#timer?.unref(); // left armed, to be re-armed by the next call; it ignores a finished one
    this.#signal?.removeEventListener('abort', this);
    this.#signal = undefined;
    return true;
  }

  #result(reply: Success): InvokeResult {
    const startedAt = reply.startedAt + MONOTONIC_TO_FALCO;
    return this.#cold
      ? { output: reply.output, activationId: this.#activationId, coldStart: true, initDurationMs: this.#initDurationMs, startedAt, durationMs: reply.durationMs }
      : { output: reply.output, activationId: this.#activationId, coldStart: false, startedAt, durationMs: reply.durationMs };
  }

  #measured(reply: Reply): PlatformTimings {
    const timings: PlatformTimings = { activationId: this.#activationId, coldStart: this.#cold };
    if (this.#cold) timings.initDurationMs = this.#initDurationMs;
    timings.startedAt = reply.startedAt + MONOTONIC_TO_FALCO;
    timings.durationMs = reply.durationMs;
    return timings;
  }

  /** What is known of a call that ended without an answer. */
  #timings(): PlatformTimings {
    const timings: PlatformTimings = { activationId: this.#activationId, coldStart: this.#cold };
    if (this.#cold && this.#initDurationMs !== undefined) timings.initDurationMs = this.#initDurationMs;
    if (this.#sentAt !== undefined) timings.startedAt = this.#sentAt;
    return timings;
  }
}

/** OpenWhisk's rule, for Node.js and Python alike: a function returns a JSON object (a dict). */
function notAnObject(name: string, output: unknown): { message: string; errorType: undefined } | undefined {
  if (output !== null && typeof output === 'object' && !Array.isArray(output)) return undefined;
  const what = output === null ? 'nothing (undefined, null or None)' : Array.isArray(output) ? 'an array' : `a ${typeof output} (${excerpt(JSON.stringify(output))})`;
  return {
    message: `function "${name}" returned ${what}, not a JSON object: make main return an object (a dict in Python), such as { "result": value }`,
    errorType: undefined,
  };
}

/** OpenWhisk's rule: a result with an `error` property is the function's own error. */
function errorResult(output: unknown): { message: string; errorType: string | undefined } | undefined {
  if (output === null || typeof output !== 'object' || Array.isArray(output) || !('error' in output)) return undefined;
  const error = (output as { error: unknown }).error;
  if (typeof error === 'string') return { message: error, errorType: undefined };
  const { message, name } = (error ?? {}) as { message?: unknown; name?: unknown };
  return {
    message: typeof message === 'string' ? message : JSON.stringify(error),
    errorType: typeof name === 'string' ? name : undefined,
  };
}

function failureError(failure: Failure, timings: PlatformTimings): FunctionError {
  if (failure.kind === 'nonjson') {
    return new FunctionError(`the function returned a value JSON cannot carry: ${failure.message}`, { timings });
  }
  const cause = failure.stack === undefined ? undefined : Object.assign(new Error(failure.message), { name: failure.errorType ?? 'Error', stack: failure.stack });
  return new FunctionError(failure.message, { errorType: failure.errorType, cause, timings });
}
