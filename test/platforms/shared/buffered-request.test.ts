import assert from 'node:assert/strict';
import { getEventListeners, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { bufferedRequest } from '../../../platforms/shared/buffered-request.js';
import { closedPort, within } from '../openwhisk/helpers.js';

/** Answers by path: `/text` a body in several writes, `/headers` repeated and mixed-case headers, `/slow` the headers, then nothing. */
const served: string[] = [];

function answer(request: IncomingMessage, response: ServerResponse): void {
  served.push(request.url ?? '');
  if (request.url === '/text') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const euro = Buffer.from('€');
    // A three-byte character split across two writes, and so across two chunks.
    response.write(Buffer.concat([Buffer.from('a'.repeat(70_000)), euro.subarray(0, 1)]));
    setTimeout(() => response.end(Buffer.concat([euro.subarray(1), Buffer.from('z')])), 20);
  } else if (request.url === '/headers') {
    response.writeHead(429, [['Retry-After', '7'], ['retry-after', '9'], ['X-Other', 'o']]);
    response.end('slow down');
  } else {
    response.writeHead(200);
    response.write('partial');
  }
}

describe('bufferedRequest', () => {
  const server = createServer(answer);
  let pool: Pool;

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  });

  after(async () => {
    await pool.destroy();
    server.closeAllConnections();
    server.close();
  });

  it('reads a body that comes in chunks whole, decoding a character split between them once', async () => {
    const response = await bufferedRequest(pool, { method: 'GET', path: '/text', keep: [] }, undefined);
    assert.equal(response.statusCode, 200);
    assert.equal(response.text, `${'a'.repeat(70_000)}€z`);
    assert.deepEqual(response.headers, {});
  });

  it('keeps only the headers asked for, by their lower-case name, the first of a repeated one', async () => {
    const response = await bufferedRequest(pool, { method: 'GET', path: '/headers', keep: ['retry-after', 'x-absent'] }, undefined);
    assert.equal(response.statusCode, 429);
    assert.deepEqual(response.headers, { 'retry-after': '7' });
    assert.equal(response.text, 'slow down');
  });

  it('ends a request mid-body with the signal\'s reason, and removes its listener', async () => {
    const controller = new AbortController();
    const pending = bufferedRequest(pool, { method: 'GET', path: '/slow', keep: [] }, controller.signal);
    await delay(100);
    const reason = new Error('stop');
    controller.abort(reason);
    await assert.rejects(within(2_000, pending), (error) => error === reason);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('ends a request still waiting for a connection when its signal aborts, without sending it', async () => {
    const busy = new AbortController();
    const holding = bufferedRequest(pool, { method: 'GET', path: '/slow', keep: [] }, busy.signal).catch((error: unknown) => error);
    const controller = new AbortController();
    const queued = bufferedRequest(pool, { method: 'GET', path: '/text', keep: [] }, controller.signal);
    controller.abort(new Error('not wanted'));
    busy.abort(new Error('free the connection'));
    await assert.rejects(within(2_000, queued), /not wanted/);
    await holding;
    const sent = served.length;
    const next = await bufferedRequest(pool, { method: 'GET', path: '/text', keep: [] }, undefined);
    assert.equal(next.statusCode, 200, 'the pool serves requests after aborted ones');
    assert.deepEqual(served.slice(sent - 1), ['/slow', '/text'], 'the aborted request never reached the server');
  });

  it('rejects with the socket\'s own error when nothing listens', async () => {
    const closed = new Pool(`http://127.0.0.1:${await closedPort()}`);
    try {
      await assert.rejects(bufferedRequest(closed, { method: 'GET', path: '/', keep: [] }, undefined), { code: 'ECONNREFUSED' });
    } finally {
      await closed.destroy();
    }
  });
});
