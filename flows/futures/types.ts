import type { ErrorInfo, Invocation } from '../../src/invocation.js';

/** How one call ended, as a future reports it: plain data. */
export type Settled<O> =
  | { readonly status: 'succeeded'; readonly output: O }
  | { readonly status: 'failed' | 'aborted'; readonly error: ErrorInfo };

/**
 * The result of one call, to come. Typed by the function's output (`Deployable<I, O>`). A future is
 * also the handle of its record: `record()` is the invocation record (every attempt) once it has ended.
 */
export interface Future<O = unknown> {
  /** Names the call: `<job>/<index>` for futures, `<position>/<index>` in a workflow (`M001/17`). */
  readonly key: string;
  /** Whether the call has ended (succeeded, failed or aborted). */
  readonly done: boolean;
  /** Resolves when the call ends; never rejects (a failure is a `Settled` with an error). */
  settled(): Promise<Settled<O>>;
  /** The output; rejects with the call's falco error if it failed or was aborted. */
  result(options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<O>;
  /** The invocation record, when the call ran through an executor in this process. */
  record(): Invocation<unknown, O> | undefined;
}

/**
 * When `wait` returns: `always` at once, `any` after the first end, `all` after every end, a
 * fraction (0 < f ≤ 1) once that share of the futures has ended. Lithops: ALWAYS / ANY_COMPLETED / ALL_COMPLETED.
 */
export type ReturnWhen = 'always' | 'any' | 'all' | number;

export interface WaitOptions {
  /** @default 'all' */
  readonly returnWhen?: ReturnWhen;
  /** Gives up waiting (not the calls) after this long; `wait` then returns what has ended so far. */
  readonly timeoutMs?: number;
  /** Aborting stops the wait with an `AbortedError` (the calls go on unless the job's own signal aborts). */
  readonly signal?: AbortSignal;
}

export interface WaitResult<O> {
  readonly done: Future<O>[];
  readonly notDone: Future<O>[];
}

export interface GetResultOptions {
  /** Rejects with a `TimeoutError` naming the calls still running after this long. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Reject on the first failed call (the default) or return `Settled` values for every call. @default true */
  readonly throwOnError?: boolean;
}
