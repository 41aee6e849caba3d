import { TimeoutError } from '../../src/errors.js';
import { pollUntil } from '../../src/poll.js';

/** The part of google-gax's long-running operation this adapter uses. */
export interface PolledOperation {
  getOperation(): Promise<unknown>;
  readonly latestResponse: { done?: boolean | null };
  readonly result: unknown;
}

const OPERATION_BACKOFF = { firstMs: 250, maxMs: 5_000, factor: 1.5, checkFirst: true };

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts (cancelling
 * the client's call where it can be cancelled).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      (promise as { cancel?: () => void }).cancel?.();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Polls a long-running operation until it is done, backing off from a quarter second to five.
 * Resolves with its result; rejects with the operation's error (a GoogleError with its code) or
 * the signal's reason. Polling stops with the signal: nothing keeps running after an abort.
 */
export async function awaitOperation(operation: PolledOperation, signal: AbortSignal): Promise<unknown> {
  const done = async (): Promise<{ result: unknown } | undefined> => {
    await abortable(operation.getOperation(), signal);
    return operation.latestResponse.done ? { result: operation.result } : undefined;
  };
  return (await pollUntil(done, OPERATION_BACKOFF, signal)).result;
}

/** Runs `run` with a signal that also aborts, with a TimeoutError naming `what`, after `ms`. */
export async function withDeadline<T>(
  ms: number,
  what: string,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new TimeoutError(`gcf: ${what} did not finish within ${ms} ms`)), ms);
  try {
    return await run(signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}
