import { abortedError, ConfigError, TimeoutError } from '../../src/errors.js';
import type { Subscribable } from './future.js';
import { countOf, keyList } from './listing.js';
import type { Future, GetResultOptions, ReturnWhen, Settled, WaitOptions, WaitResult } from './types.js';

interface Deadline {
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Waits until enough of `futures` have ended (`returnWhen`, default all), the time is up, or the
 * signal aborts (an `AbortedError`). Never stops the calls themselves.
 */
export async function wait<O>(futures: readonly Future<O>[], options: WaitOptions = {}): Promise<WaitResult<O>> {
  checkFutures(futures, 'wait');
  checkDeadline(options, 'wait');
  const needed = neededCount(futures.length, options.returnWhen ?? 'all');
  if (needed > 0) {
    let ended = 0;
    await until(futures, () => ++ended >= needed, options, () => `waiting for ${countOf(futures, 'call')}`);
  }
  const done: Future<O>[] = [];
  const notDone: Future<O>[] = [];
  for (const future of futures) (future.done ? done : notDone).push(future);
  return { done, notDone };
}

/**
 * The outputs of `futures`, in order. Rejects with the first failed call's falco error, or with
 * `throwOnError: false` returns every call's `Settled`. With `timeoutMs`, rejects with a
 * `TimeoutError` naming the calls still running; the calls go on.
 */
export function getResult<O>(futures: readonly Future<O>[], options?: GetResultOptions & { readonly throwOnError?: true }): Promise<O[]>;
export function getResult<O>(futures: readonly Future<O>[], options: GetResultOptions & { readonly throwOnError: false }): Promise<Settled<O>[]>;
export function getResult<O>(futures: readonly Future<O>[], options?: GetResultOptions): Promise<O[] | Settled<O>[]>;
export async function getResult<O>(futures: readonly Future<O>[], options: GetResultOptions = {}): Promise<O[] | Settled<O>[]> {
  checkFutures(futures, 'getResult');
  checkDeadline(options, 'getResult');
  const throwOnError = options.throwOnError ?? true;
  const what = (): string => `getResult of ${countOf(futures, 'call')}`;
  let pending = futures.length;
  let failed: Future<O> | undefined;
  const settled: Settled<O>[] = new Array(futures.length);
  const allEnded = pending === 0 || await until(futures, (future, ended, index) => {
    settled[index] = ended;
    if (throwOnError && ended.status !== 'succeeded') failed ??= future;
    return --pending === 0 || failed !== undefined;
  }, options, what);
  if (failed) await failed.result(); // rejects with the call's own error
  if (!allEnded) {
    const running = futures.filter((future) => !future.done).map((future) => future.key);
    throw new TimeoutError(`${what()} timed out after ${options.timeoutMs} ms: ${countOf(running, 'call')} still running (${keyList(running)})`);
  }
  return throwOnError ? settled.flatMap((s) => (s.status === 'succeeded' ? [s.output] : [])) : settled;
}

/**
 * Resolves true once `enough` says so (it is told of each call as it ends), false when
 * `timeoutMs` passes first; rejects with an AbortedError when the signal aborts first. Stops
 * listening to every future when it resolves.
 */
function until<O>(
  futures: readonly Future<O>[],
  enough: (future: Future<O>, settled: Settled<O>, index: number) => boolean,
  { timeoutMs, signal }: Deadline,
  what: () => string,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const listeners: ((settled: Settled<O>) => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (): void => {
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      listeners.forEach((listener, index) => unsubscribe(futures[index]!, listener));
    };
    const onAbort = (): void => {
      finish();
      reject(abortedError(signal?.reason, what()));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        finish();
        resolve(false);
      }, timeoutMs);
    }
    for (const [index, future] of futures.entries()) {
      if (finished) break;
      const listener = (settled: Settled<O>): void => {
        if (finished || !enough(future, settled, index)) return;
        finish();
        resolve(true);
      };
      listeners.push(listener);
      subscribe(future, listener);
    }
  });
}

/** Listens for the end of any Future: through `onSettled` where it has one, else through its promise (and a flag). */
function subscribe<O>(future: Future<O>, listener: (settled: Settled<O>) => void): void {
  if (isSubscribable(future)) future.onSettled(listener);
  else void future.settled().then(listener);
}

function unsubscribe<O>(future: Future<O>, listener: (settled: Settled<O>) => void): void {
  if (isSubscribable(future) && !future.done) future.offSettled(listener);
}

function isSubscribable<O>(future: Future<O>): future is Future<O> & Subscribable<O> {
  return typeof (future as Partial<Subscribable<O>>).onSettled === 'function';
}

function neededCount(size: number, returnWhen: ReturnWhen): number {
  switch (returnWhen) {
    case 'always':
      return 0;
    case 'any':
      return Math.min(1, size);
    case 'all':
      return size;
  }
  if (typeof returnWhen !== 'number' || !(returnWhen > 0 && returnWhen <= 1)) {
    throw new ConfigError(`wait: returnWhen must be 'always', 'any', 'all' or a fraction of the calls above 0 and at most 1 (0.5 for half), got ${String(returnWhen)}`);
  }
  return Math.ceil(returnWhen * size);
}

function checkFutures(futures: readonly Future<unknown>[], owner: string): void {
  if (!Array.isArray(futures) || futures.some((future) => typeof future?.settled !== 'function')) {
    throw new ConfigError(`${owner}: give it an array of futures, as map() and callAsync() return them`);
  }
}

function checkDeadline({ timeoutMs }: Deadline, owner: string): void {
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new ConfigError(`${owner}: timeoutMs must be a number of milliseconds of 0 or more, got ${String(timeoutMs)}`);
  }
}
