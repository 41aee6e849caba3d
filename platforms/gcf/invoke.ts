import type { Dispatcher } from 'undici';
import { errorFromHttpStatus, FatalError, FunctionError, isConnectionError, parseRetryAfter, TransientError, type FalcoError, type PlatformTimings } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';
import { redact } from '../../src/secrets.js';
import { bufferedRequest, type BufferedResponse } from '../shared/buffered-request.js';
import { EXCERPT_CHARS, excerpt, failureOf } from './errors.js';

export interface FunctionCall {
  readonly dispatcher: Dispatcher;
  /** The function's name, for messages. */
  readonly name: string;
  readonly uri: string;
  readonly authorization: string;
  readonly input: unknown;
  readonly signal: AbortSignal | undefined;
  /** The values to redact; read only when a message is built. */
  readonly secrets: () => readonly string[];
}

/** The response headers falco reads: the wrapper's timings, and a throttled call's hint. */
const KEPT_HEADERS = ['x-falco-execution-id', 'x-falco-duration-ms', 'x-falco-cold-start', 'retry-after'] as const;
type Kept = (typeof KEPT_HEADERS)[number];
type Headers = BufferedResponse<Kept>['headers'];

/** POSTs the input as JSON to the function and maps the answer: the output, or a FalcoError. */
export async function callFunction<O>(call: FunctionCall): Promise<InvokeResult<O>> {
  let response: BufferedResponse<Kept>;
  const url = new URL(call.uri);
  try {
    response = await bufferedRequest(
      call.dispatcher,
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { authorization: call.authorization, 'content-type': 'application/json' },
        body: JSON.stringify(call.input ?? {}),
        keep: KEPT_HEADERS,
      },
      call.signal,
    );
  } catch (error) {
    throw failureOf(error, call.signal, (cause) => connectionFailure(cause, call));
  }
  const { statusCode: status, headers, text } = response;
  const timings = timingsOf(headers);
  if (status >= 200 && status < 300) return { output: parseOutput<O>(text, call), ...timings };
  throw responseFailure(status, headers, text, timings, call);
}

function connectionFailure(error: unknown, call: FunctionCall): FalcoError {
  const message = `gcf: calling function "${call.name}" failed: ${redact(error instanceof Error ? error.message : String(error), call.secrets())}`;
  return isConnectionError(error) ? new TransientError(message, { cause: error }) : new FatalError(message, { cause: error });
}

function parseOutput<O>(text: string, call: FunctionCall): O {
  if (text === '') return undefined as O;
  try {
    return JSON.parse(text) as O;
  } catch (error) {
    throw new FatalError(`gcf: function "${call.name}" answered with a body that is not JSON${excerpt(text, call.secrets())}`, { cause: error });
  }
}

/**
 * A 500 carrying the wrapper's `falcoError` is the function's own failure; anything else is the
 * platform's: 429 throttled (Retry-After honoured), 408/504 timeout, other 5xx transient, 4xx fatal.
 */
function responseFailure(
  status: number,
  headers: Headers,
  text: string,
  timings: PlatformTimings,
  call: FunctionCall,
): FalcoError {
  const secrets = call.secrets();
  const cause = { status, body: redact(text.slice(0, EXCERPT_CHARS), secrets) };
  const own = status === 500 ? wrapperError(text) : undefined;
  if (own) {
    return new FunctionError(redact(own.message, secrets), { cause, timings, ...(own.type ? { errorType: own.type } : {}) });
  }
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const message = `gcf: function "${call.name}" answered HTTP ${status}${excerpt(text, secrets)}`;
  return errorFromHttpStatus(status, message, { cause, timings, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

function wrapperError(text: string): { message: string; type?: string } | undefined {
  try {
    const error = (JSON.parse(text) as { falcoError?: { message?: unknown; type?: unknown } } | null)?.falcoError;
    if (!error || typeof error.message !== 'string') return undefined;
    return typeof error.type === 'string' ? { message: error.message, type: error.type } : { message: error.message };
  } catch {
    return undefined;
  }
}

/** What falco's wrapper measured inside the instance. */
function timingsOf(headers: Headers): PlatformTimings {
  const timings: PlatformTimings = {};
  const id = headers['x-falco-execution-id'];
  if (id !== undefined) timings.activationId = id;
  const duration = Number(headers['x-falco-duration-ms']);
  if (headers['x-falco-duration-ms'] !== undefined && Number.isFinite(duration)) timings.durationMs = duration;
  const cold = headers['x-falco-cold-start'];
  if (cold === 'true' || cold === 'false') timings.coldStart = cold === 'true';
  return timings;
}
