import { errors as undiciErrors, Pool } from 'undici';
import { TimeoutError } from '../../src/errors.js';
import { bufferedRequest } from '../shared/buffered-request.js';
import { isActivation, type Activation } from './activation.js';
import type { Connection } from './connection.js';
import { aborted, classifyFailure, type FailureContext } from './errors.js';
import type { OpenWhiskSettings } from './options.js';

/** The one response header falco reads from OpenWhisk. */
const KEPT_HEADERS = ['retry-after'] as const;

/**
 * The hot path, invokes and activation reads, over undici with one keep-alive pool sized to the
 * executor's concurrency. The openwhisk client manages actions; it is not used here because its
 * HTTP stack reached a quarter of undici's throughput and hides the response headers
 * (`Retry-After`) and network error codes that falco classifies by.
 */
export class ActivationsApi {
  readonly #connection: Connection;
  /** One origin, so a pool of its own: no URL to parse and no agent to route through per request. */
  readonly #pool: Pool;
  /** `<api path>namespaces/<namespace>/`. */
  readonly #namespacePath: string;
  /** Made once and shared by every request (undici only reads them). */
  readonly #headers: { readonly get: Readonly<Record<string, string>>; readonly post: Readonly<Record<string, string>> };
  /** Each action's invoke paths, blocking and not, built once. */
  readonly #invokePaths = new Map<string, { readonly blocking: string; readonly nonBlocking: string }>();
  readonly #requestTimeoutMs: number;

  constructor(connection: Connection, settings: OpenWhiskSettings) {
    this.#connection = connection;
    this.#requestTimeoutMs = settings.requestTimeoutMs;
    const authorization = `Basic ${Buffer.from(connection.token).toString('base64')}`;
    this.#headers = { get: { authorization }, post: { authorization, 'content-type': 'application/json' } };
    const api = new URL(connection.apiUrl);
    this.#namespacePath = `${api.pathname}namespaces/${encodeURIComponent(connection.namespace)}/`;
    this.#pool = new Pool(api.origin, {
      connections: settings.concurrency,
      connect: { timeout: settings.connectTimeoutMs, rejectUnauthorized: !connection.insecure },
      headersTimeout: settings.requestTimeoutMs,
      bodyTimeout: settings.requestTimeoutMs,
    });
  }

  /**
   * A blocking call answers with the whole activation, also for a failed one (HTTP 502 or 500
   * carry it); a non-blocking call, or a blocking one the server cut off (202), with its id only.
   */
  async invoke(name: string, params: object, blocking: boolean, signal?: AbortSignal): Promise<Activation | { activationId: string }> {
    const what = `invoking action "${name}"`;
    const { statusCode, body, retryAfter } = await this.#send(what, 'POST', this.#invokePath(name, blocking), signal, params);
    if (statusCode === 200 || statusCode === 202) return body as Activation | { activationId: string };
    if ((statusCode === 502 || statusCode === 500) && isActivation(body)) return body;
    throw this.#failure(statusCode, body, retryAfter, {
      what,
      notFound: `action "${name}" does not exist in namespace "${this.#connection.namespace}" on ${this.#connection.origin}: was it removed?`,
    });
  }

  /** The activation, or undefined while OpenWhisk has no record of it yet (404). */
  async getActivation(activationId: string, signal?: AbortSignal): Promise<Activation | undefined> {
    const what = `reading activation ${activationId}`;
    const { statusCode, body, retryAfter } = await this.#send(what, 'GET', `${this.#namespacePath}activations/${encodeURIComponent(activationId)}`, signal);
    if (statusCode === 200) return body as Activation;
    if (statusCode === 404) return undefined;
    throw this.#failure(statusCode, body, retryAfter, { what });
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  #invokePath(name: string, blocking: boolean): string {
    let paths = this.#invokePaths.get(name);
    if (!paths) {
      const action = `${this.#namespacePath}actions/${encodeURIComponent(name)}`;
      this.#invokePaths.set(name, (paths = { blocking: `${action}?blocking=true`, nonBlocking: `${action}?blocking=false` }));
    }
    return blocking ? paths.blocking : paths.nonBlocking;
  }

  async #send(what: string, method: 'GET' | 'POST', path: string, signal: AbortSignal | undefined, payload?: object) {
    if (signal?.aborted) throw aborted(signal, what);
    const { origin, token } = this.#connection;
    try {
      const { statusCode, text, headers } = await bufferedRequest(
        this.#pool,
        { method, path, headers: payload ? this.#headers.post : this.#headers.get, body: payload ? JSON.stringify(payload) : null, keep: KEPT_HEADERS },
        signal,
      );
      return { statusCode, body: parseJson(text), retryAfter: headers['retry-after'] };
    } catch (error) {
      if (signal?.aborted) throw aborted(signal, what);
      if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
        throw new TimeoutError(`${what}: no answer from OpenWhisk at ${origin} within ${this.#requestTimeoutMs} ms`, { cause: error });
      }
      const code = networkCode(error);
      throw classifyFailure(error, { what, origin, token, seen: { networkError: { code, message: (error as Error).message } } });
    }
  }

  #failure(statusCode: number, body: unknown, retryAfter: string | undefined, context: Pick<FailureContext, 'what'> & Partial<FailureContext>) {
    const { origin, token } = this.#connection;
    const failure = Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, error: body });
    return classifyFailure(failure, { ...context, origin, token, seen: { status: statusCode, ...(retryAfter === undefined ? {} : { retryAfter }) } });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: text.slice(0, 500) };
  }
}

/** undici puts the socket's own code (ECONNREFUSED, a certificate error) on the error or its cause. */
function networkCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof cause === 'string' && (own === undefined || own === 'UND_ERR_SOCKET')) return cause;
  return typeof own === 'string' ? own : undefined;
}
