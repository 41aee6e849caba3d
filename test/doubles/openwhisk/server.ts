import { randomUUID, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { KNOWN_RUNTIME_IDS } from '../../../src/spi.js';
import { deleteAction, getAction, listActions, NOT_FOUND, putAction } from './actions.js';
import type { Action, Activation } from './entities.js';
import { Faults, type Fault, type FaultTarget } from './faults.js';
import { BadRequest, errorBody, readJson, send, type RequestRecord } from './http.js';
import { getActivation, invokeAction } from './invoke.js';
import { LocalRunner } from './runner.js';
import type { ActionRunner, DoubleState, Reply } from './state.js';

export interface OpenWhiskDoubleOptions {
  /** Serve HTTPS with this key and certificate instead of HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly namespace?: string;
  readonly blockingWaitMs?: number;
  /** How actions run; by default for real, on falco's local platform. */
  readonly runner?: ActionRunner;
}

const ROUTE = /^\/api\/v1\/namespaces\/([^/]+)\/(actions|activations)(?:\/([^/]+))?\/?$/;

/**
 * A double of the OpenWhisk REST API on 127.0.0.1 that runs its actions on falco's local
 * platform. Basic auth is checked against its own token; faults can be armed with `inject`.
 */
export class OpenWhiskDouble {
  /** `uuid:key`, as OpenWhisk issues tokens. */
  readonly token = `${randomUUID()}:${randomBytes(24).toString('base64url')}`;
  readonly requests: RequestRecord[] = [];
  readonly #state: DoubleState;
  readonly #server: http.Server;
  #url = '';
  #connections = 0;
  readonly #connectionIds = new WeakMap<Socket, number>();

  private constructor(options: OpenWhiskDoubleOptions) {
    const namespace = options.namespace ?? 'guest';
    this.#state = {
      namespace,
      subject: `${namespace}@example.org`,
      actions: new Map(),
      activations: new Map(),
      faults: new Faults(),
      runner: options.runner ?? new LocalRunner(),
      blockingWaitMs: options.blockingWaitMs ?? 60_000,
      kinds: KNOWN_RUNTIME_IDS,
      memoryMB: { min: 128, max: 512 },
    };
    const handler = (request: IncomingMessage, response: ServerResponse): void => void this.#handle(request, response);
    this.#server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
    // Over TLS a request's socket is the TLS socket, which 'secureConnection' hands over.
    this.#server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => this.#connectionIds.set(socket, ++this.#connections));
  }

  static async start(options: OpenWhiskDoubleOptions = {}): Promise<OpenWhiskDouble> {
    const double = new OpenWhiskDouble(options);
    await new Promise<void>((resolve, reject) => {
      double.#server.once('error', reject);
      double.#server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = double.#server.address() as AddressInfo;
    double.#url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return double;
  }

  /** The API host with its scheme, as `--host` takes it. */
  get url(): string {
    return this.#url;
  }

  /** TCP connections accepted so far: a keep-alive client opens few. */
  get connections(): number {
    return this.#connections;
  }

  /**
   * The connections that carried invokes (`POST .../actions/<name>`). Unlike `connections`, it does
   * not count the openwhisk client's management socket, which the server may close while idle.
   */
  get invokeConnections(): number {
    const invokes = this.requests.filter((record) => record.method === 'POST' && /\/actions\/[^/]+$/.test(record.path));
    return new Set(invokes.map((record) => record.connection)).size;
  }

  get namespace(): string {
    return this.#state.namespace;
  }

  get actions(): ReadonlyMap<string, Action> {
    return this.#state.actions;
  }

  get activations(): ReadonlyMap<string, Activation> {
    return this.#state.activations;
  }

  inject(fault: Fault): void {
    this.#state.faults.add(fault);
  }

  async stop(): Promise<void> {
    this.#state.faults.clear();
    // The runner first: the listening server keeps the process alive while local instances end.
    await this.#state.runner.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const record: RequestRecord = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      connection: this.#connectionIds.get(request.socket) ?? 0,
      body: undefined,
    };
    this.requests.push(record);
    try {
      const body = await readJson(request);
      record.body = body;
      const reply = this.#authorise(request, url) ?? (await this.#route(record, url, body));
      send(response, record, reply.status, reply.body, reply.headers);
    } catch (error) {
      if (error instanceof Reset) request.socket.destroy();
      else if (error instanceof BadRequest) send(response, record, 400, errorBody(error.message));
      else send(response, record, 500, errorBody(`internal error in the double: ${(error as Error).message}`));
    }
  }

  #authorise(request: IncomingMessage, url: URL): Reply | undefined {
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Basic' || Buffer.from(encoded ?? '', 'base64').toString('utf8') !== this.token) {
      return { status: 401, body: errorBody('The supplied authentication is invalid.') };
    }
    const namespace = ROUTE.exec(url.pathname)?.[1];
    if (namespace !== undefined && namespace !== '_' && decodeURIComponent(namespace) !== this.#state.namespace) {
      return { status: 403, body: errorBody('The supplied authentication is not authorized to access this resource.') };
    }
    return undefined;
  }

  async #route(record: RequestRecord, url: URL, body: unknown): Promise<Reply> {
    const match = ROUTE.exec(url.pathname);
    if (!match) return NOT_FOUND;
    const [, , collection, rawName] = match;
    const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
    const query = url.searchParams;
    const target: FaultTarget =
      collection === 'activations' ? 'activation' : record.method === 'POST' ? 'invoke' : record.method === 'PUT' ? 'deploy' : 'any';
    if (this.#state.faults.take('reset', target)) throw new Reset();
    const fault = this.#state.faults.take('status', target);
    if (fault) {
      if (fault.afterServing) await this.#serve(record, collection, name, query, body);
      return { status: fault.status, body: fault.body ?? errorBody(`injected HTTP ${fault.status}`), headers: fault.headers ?? {} };
    }
    return this.#serve(record, collection, name, query, body);
  }

  async #serve(record: RequestRecord, collection: string | undefined, name: string | undefined, query: URLSearchParams, body: unknown): Promise<Reply> {
    const state = this.#state;
    if (collection === 'activations') {
      return name !== undefined && record.method === 'GET' ? getActivation(state, name) : NOT_FOUND;
    }
    if (name === undefined) {
      return record.method === 'GET' ? listActions(state, Number(query.get('skip') ?? 0), Number(query.get('limit') ?? 30)) : NOT_FOUND;
    }
    switch (record.method) {
      case 'PUT':
        return putAction(state, name, body, query.get('overwrite') === 'true');
      case 'GET':
        return getAction(state, name, query.get('code') !== 'false');
      case 'DELETE':
        return deleteAction(state, name);
      case 'POST':
        return invokeAction(state, name, body, query.get('blocking') === 'true', query.get('result') === 'true');
      default:
        return NOT_FOUND;
    }
  }
}

/** Thrown to drop the request's connection unanswered (the `reset` fault). */
class Reset extends Error {}
