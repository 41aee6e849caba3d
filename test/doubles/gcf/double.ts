import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleApi } from './api.js';
import { handleInvocation } from './front.js';
import { ApiError, readBody, sendGoogleError, sendJson } from './http.js';
import type { Fault, FunctionRecord } from './model.js';
import { Registry } from './registry.js';
import { createServiceAccount, type ServiceAccount } from './service-account.js';
import { TokenService } from './tokens.js';
import { Uploads } from './uploads.js';
import { zipEntries } from './unzip.js';

export interface GcfDoubleOptions {
  /** The one project the double knows; others are refused with 403. */
  readonly project?: string;
  /** The most functions one list page holds. */
  readonly pageSize?: number;
}

/** A request the double received, for tests that check how the client spoke. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

/** What a test sees of a function the double holds. */
export interface FunctionView {
  readonly id: string;
  readonly state: string;
  readonly spec: FunctionRecord['spec'];
  readonly zipEntries: string[];
  readonly uri: string | undefined;
  /** Calls being served now. */
  readonly inFlight: number;
}

/**
 * A double of Google Cloud Functions (2nd gen) on 127.0.0.1, one port for everything:
 * - `/v2/...`: the v2 REST API (generateUploadUrl, create/get/list/delete functions, operations),
 *   with long-running operations and `{ error: { code, message, status } }` bodies as the real one;
 *   every call needs a valid bearer token;
 * - `/upload/...`: the signed-URL upload bucket;
 * - `/token`: the OAuth token endpoint (service-account assertions → access or ID tokens);
 * - `/run/{project}/{region}/{function}`: each function's URL, served for real by the Functions
 *   Framework (Node.js) or a Flask stand-in for it (Python) in a process per function.
 */
export class GcfDouble {
  readonly project: string;
  readonly tokens = new TokenService();
  readonly requests: SeenRequest[] = [];
  readonly #server: Server;
  readonly #registry: Registry;
  readonly #uploads: Uploads;
  readonly #pageSize: number;
  readonly #apiFaults: { match: RegExp; code: number; message: string }[] = [];
  readonly url: string;

  private constructor(server: Server, root: string, options: GcfDoubleOptions) {
    this.project = options.project ?? 'falco-test';
    this.#pageSize = options.pageSize ?? 100;
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#uploads = new Uploads(this.url);
    this.#registry = new Registry(root, (record) => `${this.url}/run/${record.location.split('/')[1]}/${record.location.split('/')[3]}/${record.id}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendGoogleError(response, 500, `double: ${(error as Error).message}`);
      });
    });
  }

  static async start(options: GcfDoubleOptions = {}): Promise<GcfDouble> {
    const root = await mkdtemp(join(tmpdir(), 'falco-gcf-double-'));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return new GcfDouble(server, root, options);
  }

  /** A service account the double knows, with a fresh key and `token_uri` pointing here. */
  serviceAccount(): ServiceAccount {
    const account = createServiceAccount(this.project, `${this.url}/token`);
    this.tokens.register(account.email, account.publicKey);
    return account;
  }

  /** The next calls of a function get these, in order. */
  injectFaults(functionId: string, ...faults: Fault[]): void {
    const record = this.#find(functionId);
    if (!record) throw new Error(`double: no function ${functionId}`);
    record.faults.push(...faults);
  }

  /** The next API call whose `METHOD /v2/path` matches is answered with this error. */
  failApiCall(match: RegExp, code: number, message = 'injected failure'): void {
    this.#apiFaults.push({ match, code, message });
  }

  async function(functionId: string): Promise<FunctionView | undefined> {
    const record = this.#find(functionId);
    if (!record) return undefined;
    return { id: record.id, state: record.state, spec: record.spec, zipEntries: await zipEntries(record.zip), uri: record.uri, inFlight: record.inFlight };
  }

  functionIds(): string[] {
    return [...this.#registry.functions.values()].map((record) => record.id);
  }

  /** Instance processes running now. */
  runningHosts(): number {
    return this.#registry.runningHosts();
  }

  /** Deletes a function behind the API's back, as another user would. */
  async deleteDirectly(functionId: string): Promise<void> {
    const record = this.#find(functionId);
    if (record) await this.#registry.deleteDirectly(record);
  }

  get uploads(): Uploads {
    return this.#uploads;
  }

  /** Stops every instance, closes every connection and removes the unpacked functions. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await this.#registry.stop();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    this.requests.push({ method: request.method ?? '', path: url.pathname, authorization: request.headers.authorization });
    if (url.pathname === '/token' && request.method === 'POST') {
      const answer = this.tokens.exchange(new URLSearchParams((await readBody(request)).toString('utf8')));
      return sendJson(response, answer.status, answer.body);
    }
    if (url.pathname.startsWith('/upload/')) return this.#uploads.put(request, response, url);
    if (url.pathname.startsWith('/run/')) {
      const [project, region, id] = url.pathname.split('/').slice(2);
      const record = this.#registry.functions.get(`projects/${project}/locations/${region}/functions/${id}`);
      return handleInvocation(record, this.tokens, request, response);
    }
    if (!url.pathname.startsWith('/v2/')) return sendGoogleError(response, 404, `Not found: ${url.pathname}`);
    if (!this.tokens.checkApiToken(request.headers.authorization)) {
      return sendGoogleError(response, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    const index = this.#apiFaults.findIndex((fault) => fault.match.test(`${request.method} ${url.pathname}`));
    const [fault] = index < 0 ? [] : this.#apiFaults.splice(index, 1);
    if (fault) return sendGoogleError(response, fault.code, fault.message);
    try {
      await handleApi({ project: this.project, registry: this.#registry, uploads: this.#uploads, pageSize: this.#pageSize }, request, response, url);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendGoogleError(response, error.code, error.message, error.status);
    }
  }

  #find(functionId: string): FunctionRecord | undefined {
    return [...this.#registry.functions.values()].find((record) => record.id === functionId);
  }
}
