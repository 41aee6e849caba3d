/**
 * A loopback server answering like the Lambda REST API (restJson1) does, for the paths moto
 * cannot take: throttling, service errors, bad credentials, function errors with a log tail.
 * Each route answers from a script; the last reply repeats.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | object;
}

/** Keeps the request open until the server stops: for abort tests. */
export const HANG = 'hang' as const;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The `x-amzn-RequestId` the answer carried. */
  readonly requestId: string;
}

interface Route {
  readonly method: string;
  readonly path: RegExp;
  readonly replies: (Reply | typeof HANG)[];
}

export const INVOKE_PATH = /^\/2015-03-31\/functions\/[^/]+\/invocations$/;
export const FUNCTIONS_PATH = /^\/2015-03-31\/functions\/?$/;
export const FUNCTION_PATH = /^\/2015-03-31\/functions\/[^/]+$/;

/** An error as Lambda sends it: the type in `x-amzn-ErrorType`, a JSON body with `message`. */
export function errorReply(status: number, type: string, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'x-amzn-ErrorType': type, ...headers }, body: { Type: 'User', message } };
}

export class FakeLambdaApi {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted so far. */
  connections = 0;
  readonly #routes: Route[] = [];
  readonly #hanging = new Set<ServerResponse>();
  #served = 0;

  private constructor(
    readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeLambdaApi> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const api = new FakeLambdaApi(server, `http://127.0.0.1:${address.port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void api.#serve(request, response));
    server.on('connection', () => api.connections++);
    return api;
  }

  route(method: string, path: RegExp, ...replies: (Reply | typeof HANG)[]): this {
    this.#routes.unshift({ method, path, replies });
    return this;
  }

  /** The request id of the last request answered. */
  get lastRequestId(): string | undefined {
    return this.requests.at(-1)?.requestId;
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && path.test(request.path));
  }

  async stop(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = decodeURIComponent(new URL(request.url ?? '/', this.endpoint).pathname);
    const method = request.method ?? 'GET';
    const requestId = `request-${++this.#served}`;
    this.requests.push({ method, path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), requestId });
    const route = this.#routes.find((candidate) => candidate.method === method && candidate.path.test(path));
    const reply = route && (route.replies.length > 1 ? route.replies.shift() : route.replies[0]);
    if (reply === HANG) {
      this.#hanging.add(response);
      return;
    }
    const { status, headers = {}, body = '' } = reply ?? errorReply(501, 'NotScripted', `no reply scripted for ${method} ${path}`);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-RequestId': requestId,
      ...headers,
    });
    response.end(text);
  }
}
