import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** The gRPC status names Google's REST errors carry, by HTTP status. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** A Google API error body: `{ error: { code, message, status } }`. */
export function sendGoogleError(response: ServerResponse, code: number, message: string, status = STATUS_NAMES[code] ?? 'UNKNOWN'): void {
  sendJson(response, code, { error: { code, message, status } });
}

/** Thrown by a handler to answer with a Google API error. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status?: string,
  ) {
    super(message);
  }
}
