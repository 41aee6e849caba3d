/**
 * What an instance says to the host. Every message is one line of JSON text (a string posted by
 * a worker, a line on a python process's pipe): input and output travel as JSON, as on a FaaS.
 * The host sends each call's arguments the same way, as the JSON text of the arguments.
 */

/** The first message of every instance: the action loaded, or why it did not. */
export type InitMessage = { readonly init: true } | { readonly init: false; readonly message: string };

export type Reply = Success | Failure;

interface Measured {
  /** When main began, in milliseconds of CLOCK_MONOTONIC (see `monotonicMs`). */
  readonly startedAt: number;
  /** How long main ran, measured inside the instance. */
  readonly durationMs: number;
}

export interface Success extends Measured {
  readonly ok: true;
  readonly output: unknown;
}

export interface Failure extends Measured {
  readonly ok: false;
  /** `error`: main threw; `nonjson`: its result is not JSON; `memory`: it ran out of memory. */
  readonly kind: 'error' | 'nonjson' | 'memory';
  readonly message: string;
  readonly errorType?: string;
  readonly stack?: string;
}

/**
 * Milliseconds of the machine's monotonic clock (libuv's hrtime is CLOCK_MONOTONIC, as is
 * Python's `time.monotonic_ns`): one clock for every thread and process, so instances can stamp
 * times that the host converts to falco's clock.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
