import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the double saw it, for tests to check what the client sent. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Which of the server's TCP connections carried it, numbered from 1 as they were accepted. */
  readonly connection: number;
  body: unknown;
  status?: number;
}

/** The error body OpenWhisk answers with: a message and the transaction id. */
export function errorBody(error: string): object {
  return { error, code: randomBytes(16).toString('hex') };
}

export class BadRequest extends Error {}

/** The request body as JSON; undefined when empty. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('The request content was malformed:\nthe body is not JSON');
  }
}

export function send(
  response: ServerResponse,
  record: RequestRecord,
  status: number,
  body: string | object,
  headers: Record<string, string> = {},
): void {
  record.status = status;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
