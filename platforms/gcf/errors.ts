import { abortedError, AbortedError, FalcoError, FatalError, isConnectionError, ThrottledError, TimeoutError, toFalcoError, TransientError, type FalcoErrorOptions } from '../../src/errors.js';
import { redact } from '../../src/secrets.js';

/** gRPC status names by code; the API's errors carry one (the REST transport sends the name in the body). */
const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** The status Google's HTTP mapping gives an HTTP code, for an error body that does not name one. */
const STATUS_OF_HTTP: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

type FatalClass = new (message: string, options?: FalcoErrorOptions) => FatalError;

interface ApiStatus {
  /** The gRPC status name, e.g. `NOT_FOUND`; undefined when the failure is not an API answer. */
  readonly status: string | undefined;
  readonly message: string;
}

/**
 * The status and message of a failed API call. Over gRPC (and for a failed operation) the error
 * carries a gRPC code. Over REST, the client's HTTP library throws on the non-2xx answer: the
 * error carries the HTTP status and Google's error body `{ error: { code, message, status } }`.
 */
function apiStatus(error: unknown): ApiStatus {
  const { code, status, message, response } = (error ?? {}) as { code?: unknown; status?: unknown; message?: unknown; response?: { data?: unknown } };
  const text = typeof message === 'string' ? message : String(error);
  if (typeof status === 'number' && status >= 100) {
    const body = googleError(response?.data) ?? googleError(text);
    return { status: body?.status ?? STATUS_OF_HTTP[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN'), message: body?.message ?? text };
  }
  return { status: typeof code === 'number' ? GRPC_STATUS[code] : undefined, message: text };
}

function googleError(body: unknown): { status?: string; message?: string } | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const error = (parsed as { error?: { status?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return undefined;
  return {
    ...(typeof error.status === 'string' ? { status: error.status } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
  };
}

export function isNotFound(error: unknown): boolean {
  return apiStatus(error).status === 'NOT_FOUND';
}

/** The statuses of a request the API found wrong: `apiError` gives them the caller's class. */
const INVALID = new Set(['INVALID_ARGUMENT', 'FAILED_PRECONDITION', 'ALREADY_EXISTS', 'OUT_OF_RANGE']);

/**
 * An API call's failure, in the taxonomy. A request the API found wrong becomes `invalid`
 * (DeploymentError when deploying); anything else that cannot be retried is a FatalError.
 */
export function apiError(
  error: unknown,
  context: string,
  secrets: readonly string[],
  invalid: FatalClass = FatalError,
): FalcoError {
  if (error instanceof FalcoError) return error;
  const { status, message: text } = apiStatus(error);
  const message = `gcf: ${context}: ${redact(text, secrets)}`;
  const options = { cause: error };
  if (isConnectionError(error)) return new TransientError(message, options);
  switch (status) {
    case 'RESOURCE_EXHAUSTED':
      return new ThrottledError(message, options);
    case 'ABORTED':
    case 'INTERNAL':
    case 'UNAVAILABLE':
      return new TransientError(message, options);
    case 'DEADLINE_EXCEEDED':
      return new TimeoutError(message, options);
    case 'CANCELLED':
      return new AbortedError(message, options);
    default:
      return status !== undefined && INVALID.has(status) ? new invalid(message, options) : new FatalError(message, options);
  }
}

/** The failure of a call cut short by `signal`, or else the call's own failure. */
export function failureOf(error: unknown, signal: AbortSignal | undefined, map: (error: unknown) => FalcoError): FalcoError {
  if (!signal?.aborted) return map(error);
  const reason: unknown = signal.reason;
  // A deadline's reason keeps its class (TimeoutError); any other reason the caller gave is an abort.
  return reason instanceof FalcoError || (reason instanceof Error && reason.name === 'TimeoutError') ? toFalcoError(reason) : abortedError(reason, 'gcf: the call');
}

/** How much of an error response's body a message quotes. */
export const EXCERPT_CHARS = 300;

/** `: <the start of an HTTP body, tags and runs of white space removed>`, or nothing for an empty body. */
export function excerpt(text: string, secrets: readonly string[]): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  const cut = flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}...` : flat;
  return `: ${redact(cut, secrets)}`;
}
