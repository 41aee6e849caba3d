import { AbortedError, errorFromHttpStatus, FalcoError, FatalError, isConnectionError, messageOf, parseRetryAfter, toFalcoError, TransientError, type FalcoErrorOptions } from '../../src/errors.js';
import { redact } from '../../src/secrets.js';
import type { Seen } from './agent.js';

export interface FailureContext {
  /** What was being done, for the message: `invoking action "x"`. */
  readonly what: string;
  readonly origin: string;
  readonly token: string;
  readonly seen: Seen;
  /** The message for a 404; without it a 404 is a plain fatal error. */
  readonly notFound?: string;
  /** The class for a request the server refused as invalid (4xx); deploys say DeploymentError. */
  readonly invalid?: new (message: string, options?: FalcoErrorOptions) => FatalError;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** Maps an openwhisk client failure (an OpenWhiskError, or a network error it wrapped) into the taxonomy. */
export function classifyFailure(error: unknown, context: FailureContext): FalcoError {
  const { what, origin, seen } = context;
  const clean = (text: string): string => redact(text, [context.token]);
  const status = (error as { statusCode?: unknown }).statusCode;
  const options = { cause: error };
  if (typeof status !== 'number') {
    const network = seen.networkError;
    const text = clean(network?.message ?? messageOf(error));
    const code = network?.code;
    if (isConnectionError({ code })) return new TransientError(`cannot reach OpenWhisk at ${origin} while ${what}: ${text}`, options);
    if (code === 'ENOTFOUND') return new FatalError(`cannot find the OpenWhisk host ${origin} while ${what}: ${text}`, options);
    if (code && TLS_CODES.test(code)) {
      return new FatalError(
        `the TLS certificate of ${origin} was not accepted (${code}: ${text}): fix the host's certificate, ` +
          'or set { insecure: true } only for a host you trust',
        options,
      );
    }
    return new FatalError(`${what} on ${origin} failed: ${text}`, options);
  }
  if (status === 401 || status === 403) {
    return new FatalError(
      `OpenWhisk at ${origin} rejected the credentials (HTTP ${status}) while ${what}: check the token (uuid:key) and the namespace`,
      options,
    );
  }
  if (status === 404 && context.notFound) return new FatalError(context.notFound, options);
  const message = `${what} failed: OpenWhisk at ${origin} answered HTTP ${status}: ${clean(serverMessage(error))}`;
  if (context.invalid && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return new context.invalid(message, options);
  }
  return errorFromHttpStatus(status, message, { ...options, retryAfterMs: parseRetryAfter(seen.retryAfter) });
}

/** The server's own words: the `error` field of its JSON body, else the client's summary. */
function serverMessage(error: unknown): string {
  const body = (error as { error?: unknown }).error;
  const said = (body as { error?: unknown } | undefined)?.error;
  return typeof said === 'string' ? said : messageOf(error);
}

/** The error for a call its caller aborted: the caller's reason when it is one of falco's, or a timeout's. */
export function aborted(signal: AbortSignal, what: string): FalcoError {
  const reason: unknown = signal.reason;
  if (reason instanceof FalcoError || (reason instanceof Error && reason.name === 'TimeoutError')) return toFalcoError(reason, what);
  return new AbortedError(`${what} was aborted`, { cause: reason });
}
