import openwhisk from 'openwhisk';
import { DeploymentError, TimeoutError } from '../../src/errors.js';
import type { ActionBody, StoredAction } from './action.js';
import { OpenWhiskAgent } from './agent.js';
import { resolveConnection, type Connection } from './connection.js';
import { aborted, classifyFailure, type FailureContext } from './errors.js';
import type { OpenWhiskSettings } from './options.js';

/**
 * Per-request options. The openwhisk client hands every option it does not know on to its HTTP
 * library (needle), which is how a request gets its abort signal and the agent's tracking header.
 */
interface RequestOptions {
  readonly namespace: string;
  readonly signal: AbortSignal;
  readonly headers: Record<string, string>;
  /** Overrides the client's own choice, which `__OW_IGNORE_CERTS` in the environment can flip. */
  readonly rejectUnauthorized: boolean;
  /** needle's own connect timer also runs while a request waits for a pooled socket; the agent times connects instead. */
  readonly open_timeout: 0;
}

/** The part of the openwhisk client falco uses, typed with the pass-through options above. */
interface WhiskClient {
  actions: {
    create(options: RequestOptions & { name: string; action: ActionBody; overwrite: boolean }): Promise<unknown>;
    get(options: RequestOptions & { name: string; code: boolean }): Promise<StoredAction>;
    delete(options: RequestOptions & { name: string }): Promise<unknown>;
    list(options: RequestOptions & { skip: number; limit: number }): Promise<StoredAction[]>;
  };
}

/** The most actions one list request may return (OpenWhisk's cap). */
const LIST_PAGE = 200;

/**
 * The real openwhisk client, for managing actions, behind one keep-alive agent. Every failure comes out as a FalcoError
 * whose message names the host but never the token.
 */
export class OpenWhiskClient {
  readonly #connection: Connection;
  readonly #client: WhiskClient;
  readonly #agent: OpenWhiskAgent;
  readonly #requestTimeoutMs: number;

  private constructor(connection: Connection, client: WhiskClient, agent: OpenWhiskAgent, requestTimeoutMs: number) {
    this.#connection = connection;
    this.#client = client;
    this.#agent = agent;
    this.#requestTimeoutMs = requestTimeoutMs;
  }

  /** Resolves the connection settings (options, environment, .wskprops) and builds the client. */
  static async connect(settings: OpenWhiskSettings): Promise<OpenWhiskClient> {
    const connection = await resolveConnection(settings);
    const agent = new OpenWhiskAgent({
      secure: connection.apiUrl.startsWith('https:'),
      maxSockets: settings.concurrency,
      connectTimeoutMs: settings.connectTimeoutMs,
      insecure: connection.insecure,
    });
    const client = openwhisk({
      api: connection.apiUrl,
      api_key: connection.token,
      namespace: connection.namespace,
      ignore_certs: connection.insecure,
      agent: agent.agent,
    }) as unknown as WhiskClient;
    return new OpenWhiskClient(connection, client, agent, settings.requestTimeoutMs);
  }

  async putAction(name: string, action: ActionBody, signal?: AbortSignal): Promise<void> {
    await this.#request(`deploying action "${name}"`, signal, (o) => this.#client.actions.create({ ...o, name, action, overwrite: true }), {
      invalid: DeploymentError,
    });
  }

  /** The action, or undefined when there is none. */
  getAction(name: string, signal?: AbortSignal): Promise<StoredAction | undefined> {
    return this.#request(`reading action "${name}"`, signal, (o) => this.#client.actions.get({ ...o, name, code: false }), { allowNotFound: true });
  }

  /** False when there was no such action. */
  async deleteAction(name: string, signal?: AbortSignal): Promise<boolean> {
    const found = await this.#request(`deleting action "${name}"`, signal, (o) => this.#client.actions.delete({ ...o, name }), { allowNotFound: true });
    return found !== undefined;
  }

  async listActions(signal?: AbortSignal): Promise<StoredAction[]> {
    const all: StoredAction[] = [];
    for (;;) {
      const page = await this.#request('listing actions', signal, (o) => this.#client.actions.list({ ...o, skip: all.length, limit: LIST_PAGE }));
      all.push(...page);
      if (page.length < LIST_PAGE) return all;
    }
  }

  /** Where and as whom this client connects. */
  get connection(): Connection {
    return this.#connection;
  }

  close(): void {
    this.#agent.destroy();
  }

  #request<T>(what: string, signal: AbortSignal | undefined, send: (options: RequestOptions) => Promise<T>, context?: Partial<FailureContext>): Promise<T>;
  #request<T>(what: string, signal: AbortSignal | undefined, send: (options: RequestOptions) => Promise<T>, context: { allowNotFound: true }): Promise<T | undefined>;
  async #request<T>(
    what: string,
    signal: AbortSignal | undefined,
    send: (options: RequestOptions) => Promise<T>,
    context: Partial<FailureContext> & { allowNotFound?: boolean } = {},
  ): Promise<T | undefined> {
    if (signal?.aborted) throw aborted(signal, what);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#requestTimeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const tracked = this.#agent.track();
    try {
      return await send({
        namespace: this.#connection.namespace,
        signal: controller.signal,
        headers: tracked.headers,
        rejectUnauthorized: !this.#connection.insecure,
        open_timeout: 0,
      });
    } catch (error) {
      if (signal?.aborted) throw aborted(signal, what);
      const { origin, token } = this.#connection;
      if (controller.signal.aborted) {
        throw new TimeoutError(`${what}: no answer from OpenWhisk at ${origin} within ${this.#requestTimeoutMs} ms`, { cause: error });
      }
      if (context.allowNotFound && (error as { statusCode?: unknown }).statusCode === 404) return undefined;
      throw classifyFailure(error, { ...context, what, origin, token, seen: tracked.seen });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      tracked.done();
    }
  }
}
