import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { HTTP, type Headers } from 'cloudevents';
import { messageOf } from '../../src/errors.js';
import { fromFields, MalformedEventError, toFields, type FalcoEvent } from '../../stores/ports/event.js';
import { answer, closeServer, listen, MAX_BODY_BYTES, readBody } from '../http-io.js';
import type { Workspaces } from '../triggers/workspaces.js';

export { MAX_BODY_BYTES };

/**
 * Reads the CloudEvents of one HTTP request, in binary mode (attributes in `ce-*` headers, data in
 * the body), structured mode (`application/cloudevents+json`) or batch mode
 * (`application/cloudevents-batch+json`). Every event must carry its own `id` (the `cloudevents`
 * package would make one up, and a redelivered event would then count twice) and JSON data.
 */
export function eventsFromHttp(headers: Headers, body: string): FalcoEvent[] {
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/cloudevents')) {
    const parsed = parseJson(body);
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) requireId(typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined);
  } else {
    if (headers['ce-specversion'] === undefined) {
      throw new MalformedEventError('no CloudEvent in the request: send ce-specversion, ce-id, ce-source, ce-type headers (binary mode) or an application/cloudevents+json body (structured mode)');
    }
    requireId(headers['ce-id']);
  }
  let read: ReturnType<typeof HTTP.toEvent>;
  try {
    read = HTTP.toEvent({ headers, body });
  } catch (error) {
    throw new MalformedEventError(`not a valid CloudEvent: ${messageOf(error)}`, { cause: error });
  }
  return (Array.isArray(read) ? read : [read]).map((event) => {
    if (event.data instanceof Uint8Array) throw new MalformedEventError(`event "${event.id}": data must be JSON (or text), not binary`);
    return fromFields(toFields(event));
  });
}

export interface EventReceiverOptions {
  readonly workspaces: Workspaces;
  readonly workspace: string;
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
}

/**
 * An HTTP endpoint for a workspace: `POST /` (or `/events`) publishes the CloudEvents of the
 * request to the workspace's event stream and answers 202; a malformed event gets 400 with the
 * reason. `GET /triggers` lists the workspace's triggers with their contexts.
 */
export async function serveEvents(options: EventReceiverOptions): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => answer(response, 500, { error: messageOf(error) }));
  });
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return { url, close: () => closeServer(server) };
}

async function handle({ workspaces, workspace }: EventReceiverOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method === 'GET' && path === '/triggers') {
    answer(response, 200, await workspaces.listTriggers(workspace));
    return;
  }
  if (path !== '/' && path !== '/events') {
    answer(response, 404, { error: `no such path "${path}": POST CloudEvents to / or /events, GET /triggers` });
    return;
  }
  if (request.method !== 'POST') {
    answer(response, 405, { error: 'POST CloudEvents here' });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    answer(response, 413, { error: `the request body is larger than ${MAX_BODY_BYTES} bytes: send fewer events per request` });
    return;
  }
  let events: FalcoEvent[];
  try {
    events = eventsFromHttp(request.headers, body);
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    answer(response, 400, { error: error.message });
    return;
  }
  await workspaces.publish(workspace, events);
  answer(response, 202, { accepted: events.map((event) => event.id) });
}

function requireId(id: unknown): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new MalformedEventError('the event has no "id": give every CloudEvent its own id (ce-id header, or "id" in the JSON), so a redelivered event is known as the same one');
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new MalformedEventError('the body is not JSON: a structured-mode CloudEvent is a JSON object');
  }
}
