import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../../src/errors.js';
import { WorkflowApiError } from './errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Where the API may listen: loopback always; any other address only with a token. */
export function checkListenAddress(host: string, token: string | undefined): void {
  if (token === undefined && !LOOPBACK_HOSTS.has(host)) {
    throw new ConfigError(`the workflow API would listen on ${host} with no token: anyone who reaches it could start and stop workflows; configure a token (--token or FALCO_API_TOKEN), or listen on 127.0.0.1`);
  }
  if (token !== undefined && token.length < 16) {
    throw new ConfigError('the workflow API token is too short: use 16 characters or more (e.g. openssl rand -hex 24)');
  }
}

/**
 * Refuses a request the server must not serve. Without a token: any whose Host is not loopback (a
 * DNS-rebinding page would otherwise read the API through the browser). Every state-changing
 * request: one from another origin (a page elsewhere posting through the user's browser) and,
 * with a token, one without `Authorization: Bearer <token>`. The token is compared in constant
 * time and never repeated in a message.
 */
export function checkAccess(request: IncomingMessage, token: string | undefined, changesState: boolean): void {
  const host = request.headers.host ?? '';
  if (token === undefined && !LOOPBACK_HOSTS.has(hostname(host))) {
    throw new WorkflowApiError(403, `this workflow API serves only loopback host names (127.0.0.1, localhost), not "${hostname(host)}": configure a token to serve others`);
  }
  if (!changesState) return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && safeHost(origin) !== host) {
    throw new WorkflowApiError(403, `a request from another origin (${origin}) cannot change workflows here: use the console this server serves, the falco command or WorkflowClient`);
  }
  if (token === undefined) return;
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (presented === undefined) {
    throw new WorkflowApiError(401, 'this request changes workflows and needs the header "Authorization: Bearer <token>" with the token the server was started with');
  }
  if (!sameSecret(presented, token)) throw new WorkflowApiError(401, 'the bearer token is not the one this server was started with');
}

/** Compares digests, so neither the contents nor the length of the token leak through timing. */
function sameSecret(presented: string, token: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function hostname(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
