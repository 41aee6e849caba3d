import { ConfigError, DeploymentError, errorFromHttpStatus, FalcoError, FatalError, FunctionError, isConnectionError, parseRetryAfter, ThrottledError, TimeoutError, toFalcoError, TransientError, type PlatformTimings } from '../../src/errors.js';
import { redact } from '../../src/secrets.js';

/** Lambda's limit on a synchronous (RequestResponse) request and response: 6 MB. */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** An input too large for a synchronous Lambda call; found before the call is made. */
export class PayloadTooLargeError extends FatalError {}

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

/** Refusals that retrying cannot cure, whatever HTTP status a proxy or a double put on them. */
const FATAL = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationTokenException',
]);

interface SdkError extends Error {
  $metadata?: { httpStatusCode?: number; requestId?: string };
  retryAfterSeconds?: string;
}

/**
 * Maps whatever the AWS SDK threw into the taxonomy, keeping it as `cause`. The message names
 * the call and the SDK's error; secrets are removed from it.
 */
export function lambdaError(error: unknown, context: string, secrets: readonly string[]): FalcoError {
  if (error instanceof FalcoError) return error;
  if (!(error instanceof Error)) return toFalcoError(error, context);
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return toFalcoError(error, context);
  const sdk = error as SdkError;
  const requestId = sdk.$metadata?.requestId;
  const timings: PlatformTimings | undefined = requestId ? { activationId: requestId } : undefined;
  const options = { cause: error, timings };
  const message = redact(`${context} failed: ${error.name}: ${error.message}`, secrets);
  if (THROTTLED.has(error.name)) {
    return new ThrottledError(message, { ...options, retryAfterMs: parseRetryAfter(sdk.retryAfterSeconds) });
  }
  if (FATAL.has(error.name)) return new FatalError(message, options);
  if (isConnectionError(error)) return new TransientError(message, options);
  if (error.name === 'CredentialsProviderError') {
    return new ConfigError(
      `${context} failed: no AWS credentials found: pass credentials in the options, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile`,
      options,
    );
  }
  if (/region is missing/i.test(error.message)) {
    return new ConfigError(`${context} failed: no AWS region: pass region in the options or set AWS_REGION`, options);
  }
  const status = sdk.$metadata?.httpStatusCode;
  if (status !== undefined) return errorFromHttpStatus(status, message, options);
  return new FatalError(message, options);
}

/** Error types of code that cannot start: falco's wrappers' and Lambda's runtimes' own. */
const INIT_ERRORS = new Set([
  'ActionLoadError',
  'Runtime.ImportModuleError',
  'Runtime.UserCodeSyntaxError',
  'Runtime.HandlerNotFound',
  'Runtime.MalformedHandlerName',
]);

/**
 * A FunctionError response body (`{ errorMessage, errorType, stackTrace }`) as the taxonomy's
 * function error; a timeout when Lambda stopped the function at its time limit, and a deployment
 * error when the code could not even start (every call would fail the same way).
 */
export function functionErrorFrom(body: string, functionError: string, timings: PlatformTimings): FalcoError {
  let parsed: { errorMessage?: unknown; errorType?: unknown } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Not JSON: the raw body is the message.
  }
  const errorMessage = typeof parsed.errorMessage === 'string' ? parsed.errorMessage : body || `the function failed (${functionError})`;
  const errorType = typeof parsed.errorType === 'string' ? parsed.errorType : undefined;
  if (errorType === 'Sandbox.Timedout' || /Task timed out after/.test(errorMessage)) {
    return new TimeoutError(`the function timed out: ${errorMessage}`, { timings });
  }
  if (errorType && INIT_ERRORS.has(errorType)) {
    return new DeploymentError(`the function's code could not be loaded: ${errorType}: ${errorMessage}`, { timings });
  }
  const outOfMemory = errorType === 'Runtime.OutOfMemory' || errorType === 'MemoryError' || /JavaScript heap out of memory/.test(errorMessage);
  return new FunctionError(errorMessage, { timings, outOfMemory, ...(errorType ? { errorType } : {}) });
}
