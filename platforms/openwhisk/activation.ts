import { now } from '../../src/clock.js';
import { DeploymentError, FatalError, FunctionError, TimeoutError, TransientError, type PlatformTimings } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';

/** An activation record as the OpenWhisk API returns it (the fields falco reads). */
export interface Activation {
  readonly activationId: string;
  readonly name?: string;
  /** Epoch milliseconds on the server's clock. */
  readonly start?: number;
  readonly end?: number;
  /** Milliseconds; includes the init time on a cold start. */
  readonly duration?: number;
  readonly response: {
    readonly status?: string;
    readonly statusCode?: number;
    readonly success?: boolean;
    readonly result?: unknown;
  };
  readonly annotations?: readonly { readonly key: string; readonly value: unknown }[];
}

export function isActivation(value: unknown): value is Activation {
  const candidate = value as Partial<Activation> | null | undefined;
  return typeof candidate?.activationId === 'string' && typeof candidate.response === 'object' && candidate.response !== null;
}

/** When the call was in flight, on falco's clock: the activation must have run inside it. */
interface CallWindow {
  readonly sentAt?: number;
  readonly receivedAt: number;
}

/** How OpenWhisk's runtimes word an action that could not load (Node.js, Python and the action proxy). */
const INIT_FAILURE = /initiali[sz]ation has failed|failed to (generate or )?locate a binary|did not initiali[sz]e|missing main/i;

const STATUS_BY_CODE = ['success', 'application error', 'action developer error', 'whisk internal error'];

/**
 * The outcome of a finished activation: its result with the platform's timings, or the
 * taxonomy's error for a failed one, carrying the same timings.
 */
const MEMORY_EXHAUSTED = /exhausted its memory/;

export function activationOutcome<O>(activation: Activation, window: CallWindow): InvokeResult<O> {
  const timings = activationTimings(activation, window);
  const { response } = activation;
  const status = response.status ?? STATUS_BY_CODE[response.statusCode ?? -1] ?? (response.success ? 'success' : undefined);
  const action = activation.name ? `action "${activation.name}"` : 'the action';
  const options = { timings };
  switch (status) {
    case 'success':
      return { output: response.result as O, ...timings };
    case 'application error':
      throw new FunctionError(errorText(response.result), { ...options, errorType: errorType(response.result) });
    case 'action developer error':
      if (annotation(activation, 'timeout') === true) {
        throw new TimeoutError(`${action} exceeded its time limit (activation ${activation.activationId}): ${errorText(response.result)}`, options);
      }
      if (INIT_FAILURE.test(errorText(response.result))) {
        throw new DeploymentError(
          `${action} failed to initialise (action developer error, activation ${activation.activationId}): ${errorText(response.result)}`,
          options,
        );
      }
      // Real runtimes report an exception thrown by main this way too: the function's own failure.
      throw new FunctionError(`${action} crashed (action developer error): ${errorText(response.result)}`, {
        ...options,
        errorType: 'ActionDeveloperError',
        // OpenWhisk's own words when the invoker kills an action over its memory limit.
        outOfMemory: MEMORY_EXHAUSTED.test(errorText(response.result)),
      });
    case 'whisk internal error':
      throw new TransientError(`OpenWhisk internal error in activation ${activation.activationId}: ${errorText(response.result)}`, options);
    default:
      throw new FatalError(`activation ${activation.activationId} has an unknown status "${String(status)}"`, options);
  }
}

/**
 * Timings from the activation: `duration` is in milliseconds; an `initTime` annotation marks a
 * cold start. `start` is on the server's wall clock: it is moved onto falco's clock and kept inside
 * the window in which the call was in flight, so a skewed server clock cannot put it out of order.
 */
function activationTimings(activation: Activation, window: CallWindow): PlatformTimings {
  const timings: PlatformTimings = { activationId: activation.activationId };
  const duration = typeof activation.duration === 'number' ? activation.duration : undefined;
  if (duration !== undefined) timings.durationMs = duration;
  const initTime = annotation(activation, 'initTime');
  timings.coldStart = typeof initTime === 'number';
  if (typeof initTime === 'number') timings.initDurationMs = initTime;
  if (typeof activation.start === 'number' && window.sentAt !== undefined) {
    const onOurClock = activation.start + (now() - Date.now());
    const latest = Math.max(window.sentAt, window.receivedAt - (duration ?? 0));
    timings.startedAt = Math.min(Math.max(onOurClock, window.sentAt), latest);
  }
  return timings;
}

function annotation(activation: Activation, key: string): unknown {
  return activation.annotations?.find((a) => a.key === key)?.value;
}

/** The action's error message: a string, an `Error` serialised by the Node runtime, or `{ error }`. */
function errorText(result: unknown): string {
  const error = (result as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const { message, error: inner } = error as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return message;
    if (typeof inner === 'string') return inner;
    return JSON.stringify(error);
  }
  return 'the action failed without an error message';
}

function errorType(result: unknown): string | undefined {
  const name = ((result as { error?: unknown } | undefined)?.error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}
