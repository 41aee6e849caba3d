import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import { Socket } from 'node:net';

/** What the agent saw of one request that the client does not pass on: headers and the socket's error. */
export interface Seen {
  status?: number | undefined;
  retryAfter?: string;
  /**
   * The network error's code (ECONNREFUSED, a certificate error ...), which the client drops. Only
   * code and text are kept: the client hangs the request's headers, credentials included, on the error.
   */
  networkError?: { readonly code: string | undefined; readonly message: string };
}

interface TrackedRequest {
  /** Request headers that let the agent recognise this request. */
  readonly headers: Record<string, string>;
  readonly seen: Seen;
  done(): void;
}

const TRACKING_HEADER = 'x-falco-request';

/** Node publishes every outgoing request here as it is made (a public, documented hook). */
const REQUEST_START = 'http.client.request.start';

interface AgentOptions {
  readonly secure: boolean;
  readonly maxSockets: number;
  readonly connectTimeoutMs: number;
  readonly insecure: boolean;
}

/**
 * The one keep-alive agent every request to OpenWhisk goes through. Besides pooling sockets it
 * gives up on a connection that does not open within `connectTimeoutMs` (an unreachable host
 * fails in seconds), and it reports what the openwhisk client drops: the `Retry-After` header of
 * a 429 and the code of a network error, read off the request that carries a tracking header.
 */
export class OpenWhiskAgent {
  readonly agent: http.Agent;
  readonly #requests = new Map<string, Seen>();
  /** Tells this agent's requests from other agents' in the one process-wide channel. */
  readonly #prefix = `${randomUUID()}/`;
  #next = 0;
  readonly #onRequest = (message: unknown): void => this.#watch((message as { request: http.ClientRequest }).request);

  constructor(options: AgentOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets };
    // Verification follows `insecure` alone: requests also set it (see client.ts), and needle copies
    // a request's TLS options onto the agent, whose options win over the request's.
    this.agent = options.secure
      ? new https.Agent({ ...agentOptions, rejectUnauthorized: !options.insecure })
      : new http.Agent(agentOptions);
    const createConnection = this.agent.createConnection.bind(this.agent);
    this.agent.createConnection = (connectOptions, callback) => {
      const socket = createConnection(connectOptions, callback);
      if (socket instanceof Socket) limitConnectTime(socket, options.connectTimeoutMs);
      return socket;
    };
    diagnostics.subscribe(REQUEST_START, this.#onRequest);
  }

  track(): TrackedRequest {
    const id = `${this.#prefix}${++this.#next}`;
    const seen: Seen = {};
    this.#requests.set(id, seen);
    return { headers: { [TRACKING_HEADER]: id }, seen, done: () => this.#requests.delete(id) };
  }

  destroy(): void {
    diagnostics.unsubscribe(REQUEST_START, this.#onRequest);
    this.agent.destroy();
  }

  #watch(request: http.ClientRequest): void {
    const id = request.getHeader(TRACKING_HEADER);
    const seen = typeof id === 'string' ? this.#requests.get(id) : undefined;
    if (!seen) return;
    request.once('response', (response: http.IncomingMessage) => {
      seen.status = response.statusCode;
      const retryAfter = response.headers['retry-after'];
      if (retryAfter !== undefined) seen.retryAfter = retryAfter;
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      seen.networkError ??= { code: error.code, message: error.message };
    });
  }
}

function limitConnectTime(socket: Socket, ms: number): void {
  if (!socket.connecting) return;
  const timer = setTimeout(() => {
    const error: NodeJS.ErrnoException = new Error(`connect ETIMEDOUT: no connection within ${ms} ms`);
    error.code = 'ETIMEDOUT';
    socket.destroy(error);
  }, ms);
  const clear = (): void => clearTimeout(timer);
  socket.once('connect', clear);
  socket.once('close', clear);
}
