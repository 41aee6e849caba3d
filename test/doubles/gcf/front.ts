import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody, sendText } from './http.js';
import type { FunctionRecord } from './model.js';
import type { TokenService } from './tokens.js';

/** Headers of the instance's answer that reach the caller. */
const PASSED_HEADERS = ['content-type', 'x-falco-execution-id', 'x-falco-duration-ms', 'x-falco-cold-start'];

/**
 * The front end of a deployed function, as Google's serves it: checks the caller's ID token (401,
 * or 403 without the invoker role), refuses calls past the instance cap (429), applies injected
 * faults, forwards the request to the function's instance and cuts it off at the function's
 * timeout (504).
 */
export async function handleInvocation(
  record: FunctionRecord | undefined,
  tokens: TokenService,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request);
  if (!record?.host || record.state !== 'ACTIVE' || !record.uri) {
    return sendText(response, 404, '<html><body><h1>Error: Page not found</h1><h2>The requested URL was not found on this server.</h2></body></html>');
  }
  const allowed = tokens.checkIdToken(request.headers.authorization, record.uri);
  if (allowed === 401) {
    return sendText(response, 401, '<html><body><h1>401 Unauthorized</h1><h2>Your client does not have permission to the requested URL.</h2></body></html>', {
      'www-authenticate': 'Bearer error="invalid_token" error_description="The access token could not be verified"',
    });
  }
  if (allowed === 403) {
    return sendText(response, 403, '<html><body><h1>403 Forbidden</h1><h2>Your client does not have permission to get URL from this server.</h2></body></html>');
  }
  const fault = record.faults.shift();
  if (fault && 'reset' in fault) return void request.socket.destroy();
  if (fault && 'status' in fault) return sendText(response, fault.status, fault.body ?? '', fault.headers);
  if (fault) {
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const waited = await sleep(fault.delayMs, true, { signal: gone.signal }).catch(() => false);
    if (!waited) return;
  }
  const cap = Number(record.spec.serviceConfig?.maxInstanceCount ?? 0);
  if (cap > 0 && record.inFlight >= cap) {
    return sendText(response, 429, 'Rate exceeded. The request was aborted because there was no available instance.');
  }
  record.inFlight++;
  try {
    await forward(record, body, response);
  } finally {
    record.inFlight--;
  }
}

async function forward(record: FunctionRecord, body: Buffer, response: ServerResponse): Promise<void> {
  const timeoutMs = Number(record.spec.serviceConfig?.timeoutSeconds ?? 60) * 1000;
  const port = record.host?.port;
  await new Promise<void>((resolve) => {
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'function-execution-id': randomBytes(6).toString('hex') },
      },
      (answer) => {
        readBody(answer).then((text) => {
          clearTimeout(timer);
          const headers = Object.fromEntries(PASSED_HEADERS.flatMap((name) => (answer.headers[name] ? [[name, String(answer.headers[name])]] : [])));
          response.writeHead(answer.statusCode ?? 502, headers);
          response.end(text);
          resolve();
        }, fail);
      },
    );
    const fail = (): void => {
      clearTimeout(timer);
      if (!response.headersSent) sendText(response, 503, 'Service Unavailable: the instance did not answer.');
      resolve();
    };
    const timer = setTimeout(() => {
      upstream.destroy();
      if (!response.headersSent) sendText(response, 504, 'upstream request timeout');
      resolve();
    }, timeoutMs);
    upstream.on('error', fail);
    upstream.end(body);
  });
}
