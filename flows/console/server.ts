import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FatalError, messageOf, PlanError } from '../../src/errors.js';
import { answer, closeServer, listen, MAX_BODY_BYTES, readBody } from '../http-io.js';
import type { FlowGraph } from '../tasks/graph.js';
import type { WorkflowService } from '../tasks/service-types.js';
import { checkAccess, checkListenAddress } from './access.js';
import { ChangeFeed } from './change-feed.js';
import { WorkflowApiError } from './errors.js';
import { pageFile } from './page-files.js';
import { GraphSource } from './sources/graph-source.js';
import { WORKFLOW_ACTIONS, type StartDefinition, type WorkflowAction, type WorkflowSource } from './sources/source.js';
import { WorkflowSources } from './sources/sources.js';
import { parseStartRequest, type StartRequest } from './start-request.js';
import { HEARTBEAT_MS, streamChanges } from './watch-stream.js';

export { WORKFLOW_ACTIONS, type WorkflowAction } from './sources/source.js';

export interface WorkflowApiOptions {
  /** The workflow service: its graphs (DAGs, `.flow` files). */
  readonly service: WorkflowService;
  /**
   * Further engines whose workflows the API serves beside the service's: a `StateMachineSource`,
   * a `CodeSource`. The API does not close them: their owner does, after `close()`.
   */
  readonly sources?: readonly WorkflowSource[];
  /** 0 (the default): any free port. */
  readonly port?: number;
  /** @default "127.0.0.1"; any other address needs a token. */
  readonly host?: string;
  /** With a token every state-changing request needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Compiles `.flow` source text (`{ "flow": "..." }` in a start request) to a graph; without it such a request is a 400. */
  readonly compileFlow?: (source: string) => FlowGraph;
  /** How often an idle event stream sends a comment, in ms. @default 15000 */
  readonly heartbeatMs?: number;
}

export interface WorkflowApi {
  readonly url: string;
  /** Stops listening, ends every event stream and stops its watch; the service stays open. */
  close(): Promise<void>;
}

/**
 * The workflow REST API and the console page over a `WorkflowService` and further sources, on node:http:
 * `GET /api/workflows[?archived=true]`, `POST /api/workflows`, `GET /api/workflows/:id`,
 * `POST /api/workflows/:id/{pause,resume,terminate,restart,archive,restore}`, `GET /api/watch`
 * (server-sent events, resumed after `Last-Event-ID`), and the page at `/`. Errors are JSON `{ "error": message }` with a 4xx.
 */
export async function serveWorkflowApi(options: WorkflowApiOptions): Promise<WorkflowApi> {
  const host = options.host ?? '127.0.0.1';
  checkListenAddress(host, options.token);
  const sources = new WorkflowSources([new GraphSource(options.service), ...(options.sources ?? [])]);
  const feed = await ChangeFeed.open(sources);
  const served: Served = { options, sources, feed, streams: new Set() };
  const server: Server = createServer((request, response) => {
    handle(served, request, response).catch((error: unknown) => fail(response, error));
  });
  let url: string;
  try {
    url = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await feed.close();
    throw error;
  }
  return {
    url,
    async close() {
      await closeServer(server);
      await Promise.all(served.streams);
      await feed.close();
    },
  };
}

interface Served {
  readonly options: WorkflowApiOptions;
  readonly sources: WorkflowSources;
  readonly feed: ChangeFeed;
  readonly streams: Set<Promise<void>>;
}

async function handle({ options, sources, feed, streams }: Served, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { pathname: path, searchParams: query } = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  checkAccess(request, options.token, method !== 'GET' && method !== 'HEAD');
  const [, api, collection, rawId, action, ...rest] = path.split('/');
  if (api !== 'api') {
    const file = method === 'GET' ? await pageFile(path) : undefined;
    if (!file) throw new WorkflowApiError(404, `no such page "${path}": the console is at /, the API under /api/workflows`);
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' }).end(file.body);
    return;
  }
  if (collection === 'watch' && rawId === undefined) {
    allow(method, 'GET', path);
    const lastEventId = request.headers['last-event-id'];
    const stream = streamChanges(feed, typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined, response, options.heartbeatMs ?? HEARTBEAT_MS);
    streams.add(stream);
    void stream.finally(() => streams.delete(stream));
    return;
  }
  if (collection !== 'workflows' || rest.length > 0) throw new WorkflowApiError(404, `no such API path "${path}": see GET /api/workflows`);
  if (rawId === undefined || rawId === '') {
    if (method === 'GET') return answer(response, 200, await sources.list({ archived: archivedFlag(query.get('archived')) }));
    allow(method, 'POST', path);
    const start = parseStartRequest(await jsonBody(request));
    const definition = definitionOf(options, start);
    return answer(response, 201, await serviceCall('start', () => sources.start(definition, { input: start.input, id: start.id })));
  }
  const id = decodeURIComponent(rawId);
  if (action === undefined) {
    allow(method, 'GET', path);
    const view = await sources.inspect(id);
    return answer(response, 200, view ?? notFound(id));
  }
  allow(method, 'POST', path);
  if (!isAction(action)) throw new WorkflowApiError(404, `no workflow action "${action}": use one of ${WORKFLOW_ACTIONS.join(', ')}`);
  answer(response, 200, (await serviceCall(action, () => sources.act(id, action))) ?? notFound(id));
}

function definitionOf(options: WorkflowApiOptions, start: StartRequest): StartDefinition {
  if (start.stateMachine !== undefined) return { kind: 'state-machine', definition: start.stateMachine };
  if (start.workflow !== undefined) return { kind: 'code', workflow: start.workflow };
  return { kind: 'graph', graph: start.graph ?? compile(options, start.flow ?? '') };
}

function isAction(value: string): value is WorkflowAction {
  return (WORKFLOW_ACTIONS as readonly string[]).includes(value);
}

function allow(method: string, allowed: string, path: string): void {
  if (method !== allowed) throw new WorkflowApiError(405, `${path} takes ${allowed}, not ${method}`);
}

function archivedFlag(value: string | null): boolean {
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new WorkflowApiError(400, `query "archived": "${value}" is neither true nor false`);
}

function notFound(id: string): never {
  throw new WorkflowApiError(404, `there is no workflow "${id}": GET /api/workflows lists them (archived ones with ?archived=true)`);
}

function compile(options: WorkflowApiOptions, source: string): FlowGraph {
  if (!options.compileFlow) throw new WorkflowApiError(400, 'this server cannot compile .flow text: send the workflow as "graph" (a flow graph as JSON)');
  try {
    return options.compileFlow(source);
  } catch (error) {
    throw new WorkflowApiError(400, `"flow": ${messageOf(error)}`);
  }
}

/**
 * The service refuses what it cannot do with a falco error: a graph it cannot run is a `PlanError`
 * (400); anything else it refuses is the workflow's state (409): an id in use, resuming a running one.
 */
async function serviceCall<T>(call: 'start' | WorkflowAction, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FatalError && !(error instanceof WorkflowApiError)) throw new WorkflowApiError(error instanceof PlanError ? 400 : 409, `cannot ${call}: ${error.message}`);
    throw error;
  }
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new WorkflowApiError(415, `send the body as JSON with "content-type: application/json", not "${type}"`);
  const text = await readBody(request);
  if (text === undefined) throw new WorkflowApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WorkflowApiError(400, `the body is not JSON: ${messageOf(error)}`);
  }
}

function fail(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const status = error instanceof WorkflowApiError ? error.status : 500;
  const message = error instanceof WorkflowApiError ? error.message : `the workflow service failed: ${messageOf(error)}`;
  answer(response, status, { error: message }, status === 401 ? { 'www-authenticate': 'Bearer' } : {});
}
