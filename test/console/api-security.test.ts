import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { serveWorkflowApi, WorkflowApiError, WorkflowClient, type WorkflowApi } from '../../flows/index.js';
import type { WorkflowService } from '../../flows/tasks/service-types.js';
import { ConfigError } from '../../src/errors.js';
import { line, openWorkflows } from './workflows.js';

const TOKEN = 'sesame-0123456789abcdef';
const graph = line('guarded', [{ id: 'W.1', name: 'wait:delay', parameters: { seconds: 3600 } }]);

/** A raw request, so the test sets headers fetch will not (Host) and sees exactly what came back. */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: response.headers }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('the workflow API with a token', () => {
  let service: WorkflowService;
  let api: WorkflowApi;
  before(async () => {
    service = await openWorkflows();
    api = await serveWorkflowApi({ service, token: TOKEN });
  });
  after(async () => {
    await api.close();
    await service.close();
  });

  it('refuses a state-changing request without the bearer token (401), names the header, never the token', async () => {
    const body = JSON.stringify({ graph });
    const none = await send(api.url, 'POST', '/api/workflows', { 'content-type': 'application/json' }, body);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.match(JSON.parse(none.text).error, /Authorization: Bearer <token>/);
    const wrong = await send(api.url, 'POST', '/api/workflows', { 'content-type': 'application/json', authorization: 'Bearer not-the-token-at-all' }, body);
    assert.equal(wrong.status, 401);
    assert.match(JSON.parse(wrong.text).error, /not the one this server was started with/);
    for (const answer of [none, wrong]) {
      assert.ok(!answer.text.includes(TOKEN) && !answer.text.includes('not-the-token-at-all'), 'no token in the answer');
    }
    const shorter = await send(api.url, 'POST', '/api/workflows', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN.slice(0, -1)}` }, body);
    assert.equal(shorter.status, 401, 'a prefix of the token is not the token');
    assert.deepEqual(await service.list(), [], 'nothing was started');
  });

  it('takes the right token, and reads without one', async () => {
    const client = new WorkflowClient({ url: api.url, token: TOKEN });
    const { id } = await client.start(graph);
    assert.equal((await client.pause(id)).state, 'paused');
    const reader = new WorkflowClient({ url: api.url });
    assert.equal((await reader.inspect(id))?.state, 'paused', 'GET needs no token');
    await assert.rejects(reader.resume(id), (error) => error instanceof WorkflowApiError && error.status === 401);
    assert.equal((await service.inspect(id))?.state, 'paused', 'the refused resume changed nothing');
  });
});

describe('the workflow API without a token', () => {
  let service: WorkflowService;
  let api: WorkflowApi;
  before(async () => {
    service = await openWorkflows();
    api = await serveWorkflowApi({ service });
  });
  after(async () => {
    await api.close();
    await service.close();
  });

  it('listens on 127.0.0.1 only: another address, or a token too short to guess, is a ConfigError', async () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await assert.rejects(serveWorkflowApi({ service, host: '0.0.0.0' }), (error) => error instanceof ConfigError && /listen on 0\.0\.0\.0 with no token.*--token or FALCO_API_TOKEN/.test(error.message));
    await assert.rejects(serveWorkflowApi({ service, host: '0.0.0.0', token: 'short' }), (error) => error instanceof ConfigError && /too short/.test(error.message) && !error.message.includes('short"'));
  });

  it('refuses a request for another host name (DNS rebinding) and a change from another origin (403)', async () => {
    const rebound = await send(api.url, 'GET', '/api/workflows', { host: 'attacker.example:80' });
    assert.equal(rebound.status, 403);
    assert.match(JSON.parse(rebound.text).error, /only loopback host names/);
    const crossOrigin = await send(api.url, 'POST', '/api/workflows', { 'content-type': 'application/json', origin: 'http://attacker.example' }, JSON.stringify({ graph }));
    assert.equal(crossOrigin.status, 403);
    assert.match(JSON.parse(crossOrigin.text).error, /another origin/);
    const sameOrigin = await send(api.url, 'POST', '/api/workflows', { 'content-type': 'application/json', origin: api.url }, JSON.stringify({ graph }));
    assert.equal(sameOrigin.status, 201, 'the console\'s own page may change workflows');
  });
});
