import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, messageOf, TransientError } from '../../src/errors.js';
import type { Json } from '../../stores/ports/workspace.js';
import type { FlowGraph } from '../tasks/graph.js';
import type { WorkflowSnapshot } from './change-feed.js';
import { WatchLostError, WorkflowApiError } from './errors.js';
import type { WorkflowAction, WorkflowListing, WorkflowUpdate, WorkflowView } from './sources/source.js';
import { readEvents } from './sse-reader.js';
import type { StartRequest } from './start-request.js';
import { RETRY_MS } from './watch-stream.js';

export interface WorkflowClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` (what `falco console` prints). */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` with every state-changing request. */
  readonly token?: string;
}

/** What a watch is told: a change, or (after a reconnect the server could not replay) a snapshot of every listed workflow. */
export type WatchEvent = WorkflowUpdate | WorkflowSnapshot;

export interface WatchOptions {
  /** Aborting ends the watch, as the function `watch` returns does. */
  readonly signal?: AbortSignal;
  /** Failed reconnects in a row before the watch gives up (`onError`). @default 10 */
  readonly maxReconnects?: number;
  /** The longest wait between reconnects; the first is the server's `retry:` (1 s), doubling after each failure. @default 30000 */
  readonly maxDelayMs?: number;
  /** Called once when the watch gives up, with a `WatchLostError`. */
  readonly onError?: (error: WatchLostError) => void;
}

type StartOptions = { readonly id?: string };

/**
 * The workflow REST API over HTTP: every kind of workflow it serves (graphs, state machines,
 * workflows as code). A refused request (4xx) throws a `WorkflowApiError` with the server's status
 * and message, a server failure (5xx) a `TransientError`; `inspect` of an unknown id is `undefined`.
 */
export class WorkflowClient {
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

  start(graph: FlowGraph, input?: Json, options: StartOptions = {}): Promise<WorkflowListing> {
    return this.#start({ graph, input, ...options });
  }

  /** Starts a workflow from `.flow` source text, compiled by the server. */
  startFlow(flow: string, input?: Json, options: StartOptions = {}): Promise<WorkflowListing> {
    return this.#start({ flow, input, ...options });
  }

  /** Starts a state machine from its definition (ASL, as JSON) on the server's store. */
  startStateMachine(definition: Json, input?: Json, options: StartOptions = {}): Promise<WorkflowListing> {
    return this.#start({ stateMachine: definition, input, ...options });
  }

  /** Starts a workflow as code by its name, from the module the server was given (`falco console --workflows`). */
  startWorkflow(name: string, input?: Json, options: StartOptions = {}): Promise<WorkflowListing> {
    return this.#start({ workflow: name, input, ...options });
  }

  list(options: { readonly archived?: boolean } = {}): Promise<WorkflowListing[]> {
    return this.#json('GET', `api/workflows${options.archived ? '?archived=true' : ''}`);
  }

  async inspect(id: string): Promise<WorkflowView | undefined> {
    try {
      return await this.#json<WorkflowView>('GET', workflowPath(id));
    } catch (error) {
      if (error instanceof WorkflowApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  pause(id: string): Promise<WorkflowListing> {
    return this.#act(id, 'pause');
  }

  resume(id: string): Promise<WorkflowListing> {
    return this.#act(id, 'resume');
  }

  terminate(id: string): Promise<WorkflowListing> {
    return this.#act(id, 'terminate');
  }

  restart(id: string): Promise<WorkflowListing> {
    return this.#act(id, 'restart');
  }

  archive(id: string): Promise<WorkflowListing> {
    return this.#act(id, 'archive');
  }

  restore(id: string): Promise<WorkflowListing> {
    return this.#act(id, 'restore');
  }

  /**
   * Resolves once the server's watch is in place: every later change reaches `listener`. A lost
   * stream is reconnected (after the server's `retry:`, doubling up to `maxDelayMs`) and resumed
   * after the last event seen, so each change made meanwhile arrives once, or a snapshot does.
   */
  async watch(listener: (event: WatchEvent) => void, options: WatchOptions = {}): Promise<() => Promise<void>> {
    const abort = new AbortController();
    if (options.signal) {
      if (options.signal.aborted) abort.abort();
      options.signal.addEventListener('abort', () => abort.abort(), { once: true });
    }
    let lastEventId: string | undefined;
    let retryMs = RETRY_MS;
    let failures = 0;
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const connect = async () => {
      const response = await this.#fetch('GET', 'api/watch', undefined, abort.signal, lastEventId === undefined ? {} : { 'last-event-id': lastEventId });
      if (!response.body) throw new TransientError('the workflow API answered the watch with no event stream');
      return response.body;
    };
    const handlers = {
      onOpen: () => {
        failures = 0;
        opened();
      },
      onEvent: (event: { data: string }) => listener(JSON.parse(event.data) as WatchEvent),
      onRetry: (ms: number) => (retryMs = ms),
      onId: (id: string) => (lastEventId = id),
    };
    let body = await connect();
    this.#watches.add(abort);
    const maxReconnects = options.maxReconnects ?? 10;
    const reading = (async () => {
      while (!abort.signal.aborted) {
        let why: unknown = 'the server ended the stream';
        await readEvents(body, handlers).catch((error: unknown) => (why = error));
        let reconnected = false;
        while (!reconnected && !abort.signal.aborted) {
          if (++failures > maxReconnects) {
            options.onError?.(new WatchLostError(maxReconnects, `the watch of ${this.#base.origin} lost its stream (${messageOf(why)}) and ${maxReconnects} reconnects in a row failed; is falco console running there?`, { cause: why }));
            return;
          }
          await sleep(Math.min(retryMs * 2 ** (failures - 1), options.maxDelayMs ?? 30_000), undefined, { signal: abort.signal }).catch(() => {});
          if (abort.signal.aborted) return;
          try {
            body = await connect();
            reconnected = true;
          } catch (error) {
            why = error;
          }
        }
      }
    })();
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

  #start(request: StartRequest): Promise<WorkflowListing> {
    return this.#json('POST', 'api/workflows', request);
  }

  #act(id: string, action: WorkflowAction): Promise<WorkflowListing> {
    return this.#json('POST', `${workflowPath(id)}/${action}`);
  }

  async #json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await (await this.#fetch(method, path, body)).json()) as T;
  }

  async #fetch(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal, extra: Record<string, string> = {}): Promise<Response> {
    const url = new URL(path, this.#base);
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
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
