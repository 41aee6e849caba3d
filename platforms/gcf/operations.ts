import { sleep } from '../../src/clock.js';
import { TimeoutError } from '../../src/errors.js';

/** The part of google-gax's long-running operation this adapter uses. */
export interface PolledOperation {
  getOperation(): Promise<unknown>;
  readonly latestResponse: { done?: boolean | null };
  readonly result: unknown;
}

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;

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
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 1.5, MAX_POLL_MS)) {
    await abortable(operation.getOperation(), signal);
    if (operation.latestResponse.done) return operation.result;
    await sleep(delay, signal);
  }
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
