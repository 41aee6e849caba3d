import { brand, isInstance } from './brand.js';

/**
 * The error taxonomy. Every platform maps its own failures into one of these classes; the retry
 * policy and the executors look only at `errorClass`, never at an SDK's error.
 */
export type ErrorClass = 'function' | 'throttled' | 'transient' | 'timeout' | 'fatal' | 'aborted';

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'function',
  'throttled',
  'transient',
  'timeout',
  'fatal',
  'aborted',
];

/** What a platform knew about the attempt when it failed (or succeeded): kept on the record. */
export interface PlatformTimings {
  /** The platform's id for this execution (OpenWhisk activation id, Lambda request id, ...). */
  activationId?: string;
  /** When the function began running, on falco's clock (see `now()`), where the platform tells. */
  startedAt?: number;
  /** How long the function ran, as the platform measured it, in milliseconds. */
  durationMs?: number;
  billedDurationMs?: number;
  /** Time spent initialising a new instance; present only on cold starts (undefined where the platform did not say). */
  initDurationMs?: number | undefined;
  coldStart?: boolean;
  memoryUsedMB?: number;
}

/** What a falco error carries besides its message; a field absent or undefined is not known. */
export interface FalcoErrorOptions {
  cause?: unknown;
  timings?: PlatformTimings | undefined;
}

export abstract class FalcoError extends Error {
  static {
    brand(this, 'FalcoError');
  }

  /** True for this class's errors, also those made by another installed copy of falco. */
  static override [Symbol.hasInstance]<T extends abstract new (...args: never[]) => unknown>(this: T, value: unknown): value is InstanceType<T> {
    return isInstance(this, value);
  }

  abstract readonly errorClass: ErrorClass;
  readonly timings: PlatformTimings | undefined;

  constructor(message: string, options: FalcoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.timings = options.timings;
  }
}

/** The user's code threw or returned an error. Final: never retried by default. */
export class FunctionError extends FalcoError {
  static {
    brand(this, 'FunctionError');
  }

  readonly errorClass = 'function' as const;
  /** The function's own error type where the platform reports one (e.g. Lambda's `errorType`). */
  readonly errorType: string | undefined;
  /**
   * The function ran out of the memory its deployment gives it, as its platform reports that (see
   * the README): a run with `memoryRetry` tries it again on a deployment with twice the memory.
   */
  readonly outOfMemory: boolean;

  constructor(message: string, options: FalcoErrorOptions & { errorType?: string | undefined; outOfMemory?: boolean | undefined } = {}) {
    super(message, options);
    this.errorType = options.errorType;
    this.outOfMemory = options.outOfMemory ?? false;
  }
}

/** A failure for want of memory, which more memory may cure. */
export function isOutOfMemory(error: unknown): error is FunctionError {
  return error instanceof FunctionError && error.outOfMemory;
}

/** The platform refused the call for load (HTTP 429, instance cap reached). Retried. */
export class ThrottledError extends FalcoError {
  static {
    brand(this, 'ThrottledError');
  }

  readonly errorClass = 'throttled' as const;
  /** The platform's hint of when to come back (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: FalcoErrorOptions & { retryAfterMs?: number | undefined } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A failure that may pass: 5xx, a reset connection, an internal platform error. Retried. */
export class TransientError extends FalcoError {
  static {
    brand(this, 'TransientError');
  }

  readonly errorClass = 'transient' as const;
}

/** The function or the call took longer than allowed. */
export class TimeoutError extends FalcoError {
  static {
    brand(this, 'TimeoutError');
  }

  readonly errorClass = 'timeout' as const;
}

/** Retrying cannot help: bad credentials, missing deployment, invalid request or options. */
export class FatalError extends FalcoError {
  static {
    brand(this, 'FatalError');
  }

  readonly errorClass = 'fatal' as const;
}

/** Options or arguments that are wrong before anything runs. The message names the fix. */
export class ConfigError extends FatalError {
  static {
    brand(this, 'ConfigError');
  }
}

/** An execution plan that cannot run: empty, duplicate invocation ids, inputs JSON cannot carry. */
export class PlanError extends FatalError {
  static {
    brand(this, 'PlanError');
  }
}

/** Code that cannot be deployed or initialised: unknown runtime, syntax error, missing entry point. */
export class DeploymentError extends FatalError {
  static {
    brand(this, 'DeploymentError');
  }
}

/** The call was cancelled by the caller (phase abort) before it finished. */
export class AbortedError extends FalcoError {
  static {
    brand(this, 'AbortedError');
  }

  readonly errorClass = 'aborted' as const;
}

/** How many failed ids an error message lists before it says how many more there are. */
const LISTED_IDS = 10;

/**
 * A phase did not start because the phase before it had invocations that did not succeed: it
 * would have run on partial input. `failedIds` holds such ids (every one, unless the phase before
 * streamed its records: then the first few) and `count` how many there were; the message lists the first few.
 */
export class PhaseNotStartedError extends FatalError {
  static {
    brand(this, 'PhaseNotStartedError');
  }

  constructor(
    readonly phase: string,
    readonly after: string,
    readonly failedIds: readonly string[],
    readonly count = failedIds.length,
  ) {
    const listed = failedIds.slice(0, LISTED_IDS).join(', ');
    const rest = count > LISTED_IDS ? ` and ${count - LISTED_IDS} more` : '';
    super(
      `phase "${phase}" did not start: ${count} invocation${count === 1 ? '' : 's'} of phase "${after}" did not succeed (${listed}${rest}); ` +
        `fix them and run again with the same journal to retry only those, or set continueOnFailure to run "${phase}" on what succeeded`,
    );
  }
}

/** An abort's reason as a falco error: the reason itself when it is one, else an AbortedError naming `what`. */
export function abortedError(reason: unknown, what: string): FalcoError {
  if (reason instanceof FalcoError) return reason;
  const why = reason instanceof Error ? reason.message : String(reason ?? 'no reason given');
  return new AbortedError(`${what} was aborted: ${why}`, { cause: reason });
}

/**
 * Turns anything thrown into a FalcoError. Platforms classify their own errors; whatever reaches
 * here unclassified is a bug or an unknown failure, and is treated as fatal so that it cannot
 * start a retry storm.
 */
/** The message of anything thrown: an Error's own message, anything else as it prints. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function toFalcoError(error: unknown, context = 'platform call'): FalcoError {
  if (error instanceof FalcoError) return error;
  if (isAbortLike(error)) {
    return error.name === 'TimeoutError'
      ? new TimeoutError(`${context} timed out`, { cause: error })
      : new AbortedError(`${context} was aborted`, { cause: error });
  }
  return new FatalError(`${context} failed with an unclassified error: ${messageOf(error)}`, { cause: error });
}

function isAbortLike(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** True for the network failures worth retrying (reset, refused, DNS hiccup, socket closed). */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The usual mapping of an HTTP status to the taxonomy, for platforms that speak HTTP.
 * 429 throttled; 408 and 504 timeout; other 5xx transient; 4xx fatal.
 */
export function errorFromHttpStatus(
  status: number,
  message: string,
  options: FalcoErrorOptions & { retryAfterMs?: number | undefined } = {},
): FalcoError {
  if (status === 429) return new ThrottledError(message, options);
  if (status === 408 || status === 504) return new TimeoutError(message, options);
  if (status >= 500) return new TransientError(message, options);
  return new FatalError(message, options);
}
