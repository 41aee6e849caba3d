import { ConfigError, messageOf, TransientError } from '../../src/errors.js';
import type { Json } from '../../stores/ports/workspace.js';
import type { FlowGraph } from '../tasks/graph.js';
import type { WorkflowChange, WorkflowDetail, WorkflowService, WorkflowSummary } from '../tasks/service-types.js';
import { WorkflowApiError } from './errors.js';
import type { WorkflowAction } from './server.js';
import { readEvents } from './sse-reader.js';
import type { StartRequest } from './start-request.js';

export interface WorkflowClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` (what `falco console` prints). */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` with every state-changing request. */
  readonly token?: string;
}

/**
 * The workflow REST API as a `WorkflowService`: the same methods, over HTTP. A refused request
 * (4xx) throws a `WorkflowApiError` with the server's status and message, a server failure (5xx)
 * a `TransientError`; `inspect` of an unknown id is `undefined`, as on the service.
 */
export class WorkflowClient implements WorkflowService {
  readonly #base: URL;
  readonly #token: string | undefined;
  readonly #watches = new Set<AbortController>();

  constructor(options: WorkflowClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new ConfigError(`the workflow API URL "${options.url}" is not a URL: give one like http://127.0.0.1:8080`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ConfigError(`the workflow API URL must be http: or https:, not ${base.protocol}`);
    if (base.username || base.password) throw new ConfigError('the workflow API URL must not hold credentials: give the token as the token option (--token, FALCO_API_TOKEN)');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.#token = options.token;
  }

  start(graph: FlowGraph, input?: Json, options: { readonly id?: string } = {}): Promise<WorkflowSummary> {
    return this.#start({ graph, input, ...options });
  }

  /** Starts a workflow from `.flow` source text, compiled by the server. */
  startFlow(flow: string, input?: Json, options: { readonly id?: string } = {}): Promise<WorkflowSummary> {
    return this.#start({ flow, input, ...options });
  }

  list(options: { readonly archived?: boolean } = {}): Promise<WorkflowSummary[]> {
    return this.#json('GET', `api/workflows${options.archived ? '?archived=true' : ''}`);
  }

  async inspect(id: string): Promise<WorkflowDetail | undefined> {
    try {
      return await this.#json<WorkflowDetail>('GET', workflowPath(id));
    } catch (error) {
      if (error instanceof WorkflowApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  pause(id: string): Promise<WorkflowSummary> {
    return this.#act(id, 'pause');
  }

  resume(id: string): Promise<WorkflowSummary> {
    return this.#act(id, 'resume');
  }

  terminate(id: string): Promise<WorkflowSummary> {
    return this.#act(id, 'terminate');
  }

  restart(id: string): Promise<WorkflowSummary> {
    return this.#act(id, 'restart');
  }

  archive(id: string): Promise<WorkflowSummary> {
    return this.#act(id, 'archive');
  }

  restore(id: string): Promise<WorkflowSummary> {
    return this.#act(id, 'restore');
  }

  /** Resolves once the server's watch is in place: every later change reaches `listener`. */
  async watch(listener: (change: WorkflowChange) => void): Promise<() => Promise<void>> {
    const abort = new AbortController();
    const response = await this.#fetch('GET', 'api/watch', undefined, abort.signal);
    const body = response.body;
    if (!body) throw new TransientError('the workflow API answered the watch with no event stream');
    this.#watches.add(abort);
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const reading = readEvents(body, opened, (data) => listener(JSON.parse(data) as WorkflowChange)).catch(() => {});
    await Promise.race([open, reading]);
    return async () => {
      abort.abort();
      this.#watches.delete(abort);
      await reading;
    };
  }

  /** Ends every watch this client opened. */
  async close(): Promise<void> {
    for (const abort of this.#watches) abort.abort();
    this.#watches.clear();
  }

  #start(request: StartRequest): Promise<WorkflowSummary> {
    return this.#json('POST', 'api/workflows', request);
  }

  #act(id: string, action: WorkflowAction): Promise<WorkflowSummary> {
    return this.#json('POST', `${workflowPath(id)}/${action}`);
  }

  async #json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await (await this.#fetch(method, path, body)).json()) as T;
  }

  async #fetch(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const url = new URL(path, this.#base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST' && this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal ? { signal } : {}) });
    } catch (error) {
      const why = error instanceof Error && error.cause !== undefined ? error.cause : error;
      throw new ConfigError(`cannot reach the workflow API at ${this.#base.origin}: ${messageOf(why)}; is falco console running there?`, { cause: error });
    }
    if (response.ok) return response;
    const message = errorMessage(await response.text()) ?? `the workflow API answered ${response.status} ${response.statusText}`;
    throw response.status >= 500 ? new TransientError(message) : new WorkflowApiError(response.status, message);
  }
}

function workflowPath(id: string): string {
  return `api/workflows/${encodeURIComponent(id)}`;
}

function errorMessage(text: string): string | undefined {
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}
