import { ConfigError, errorFromHttpStatus, FatalError, isConnectionError, messageOf, TimeoutError, TransientError, type FalcoError } from '../../src/errors.js';
import { redact } from '../../src/secrets.js';
import type { CallbackOptions, Json } from './steps.js';

/** Checks a callback's URL up front: http(s) only, no credentials in it; the query options are added to it. */
export function callbackUrl(url: string, options: CallbackOptions): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`callback: "${redact(url, secretsOf(options))}" is not a URL; give an absolute http:// or https:// URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`callback: the URL's scheme is "${parsed.protocol}"; a callback must be an http:// or https:// URL`);
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError('callback: the URL carries credentials; pass them in `headers` (e.g. authorization), whose values are kept secret');
  }
  for (const [name, value] of Object.entries(options.query ?? {})) parsed.searchParams.append(name, value);
  return parsed;
}

/** Header and query values: whatever a callback is told must never reach a message. */
export function secretsOf(options: { readonly headers?: Readonly<Record<string, string>>; readonly query?: Readonly<Record<string, string>> }): string[] {
  return [...Object.values(options.headers ?? {}), ...Object.values(options.query ?? {})];
}

/**
 * POSTs the data as JSON, TLS verified (Node's default, never switched off), redirects refused (a
 * redirect would carry the headers elsewhere). A status that is not 2xx fails the step.
 */
export async function sendCallback(
  target: { readonly url: URL; readonly headers: Readonly<Record<string, string>>; readonly timeoutMs: number; readonly secrets: readonly string[] },
  data: Json,
  requestId: string,
  signal?: AbortSignal,
): Promise<void> {
  const hidden = (text: string) => redact(text, target.secrets);
  const where = hidden(`${target.url.origin}${target.url.pathname}`);
  const timeout = AbortSignal.timeout(target.timeoutMs);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-falco-request-id': requestId, ...target.headers },
      body: JSON.stringify(data),
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw callbackFailure(error, where, timeout, hidden);
  }
  await response.body?.cancel();
  if (!response.ok) throw errorFromHttpStatus(response.status, `callback to ${where} answered HTTP ${response.status}`);
}

function callbackFailure(error: unknown, where: string, timeout: AbortSignal, hidden: (text: string) => string): FalcoError {
  if (timeout.aborted) return new TimeoutError(`callback to ${where} took longer than its timeout`);
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const why = hidden(cause === undefined ? messageOf(error) : `${messageOf(error)}: ${messageOf(cause)}`);
  if (isConnectionError(error)) return new TransientError(`callback to ${where} failed: ${why}`);
  const tls = typeof cause?.code === 'string' && /CERT|SELF_SIGNED|TLS|SSL/.test(cause.code);
  return new FatalError(`callback to ${where} failed: ${why}${tls ? ' (the server\'s certificate is not trusted: TLS is always verified; for a private CA, set NODE_EXTRA_CA_CERTS)' : ''}`);
}
