import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serveWorkflowApi, WorkflowApiError, WorkflowClient, type WatchEvent, type WorkflowApi } from '../../flows/index.js';
import type { WorkflowService } from '../../flows/tasks/service-types.js';
import { ConfigError } from '../../src/errors.js';
import { line, openWorkflows } from './workflows.js';

/** One task that waits an hour: the workflow stays running while the test pauses, resumes and terminates it. */
const waiting = line('waiting', [{ id: 'W.1', name: 'wait:delay', parameters: { seconds: 3600 } }]);

interface Answer {
  status: number;
  body: { error?: string } & Record<string, unknown>;
  headers: Headers;
}

async function call(url: string, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(new URL(path, url), { method, headers: options.headers ?? {}, ...(options.body === undefined ? {} : { body: options.body }) });
  return { status: response.status, body: (await response.json()) as Answer['body'], headers: response.headers };
}

const json = { 'content-type': 'application/json' };

describe('the workflow API', () => {
  let service: WorkflowService;
  let api: WorkflowApi;
  let client: WorkflowClient;
  before(async () => {
    service = await openWorkflows();
    api = await serveWorkflowApi({ service, compileFlow: (source) => ({ ...waiting, name: source.trim() }) });
    client = new WorkflowClient({ url: api.url });
  });
  after(async () => {
    await client.close();
    await api.close();
    await service.close();
  });

  it('starts a workflow from a graph (201), lists it and inspects it', async () => {
    const started = await call(api.url, 'POST', '/api/workflows', { headers: json, body: JSON.stringify({ graph: waiting, input: { n: 1 }, id: 'first' }) });
    assert.equal(started.status, 201, started.body.error);
    assert.equal(started.body.id, 'first');
    assert.equal(started.body.state, 'running');
    const listed = await call(api.url, 'GET', '/api/workflows');
    assert.equal(listed.status, 200);
    assert.ok((listed.body as unknown as { id: string }[]).some((w) => w.id === 'first'));
    const inspected = await call(api.url, 'GET', '/api/workflows/first');
    assert.equal(inspected.status, 200);
    assert.deepEqual(inspected.body.graph, waiting);
    assert.deepEqual(inspected.body.input, { n: 1 });
  });

  it('starts a workflow from .flow text through the compiler it was given', async () => {
    const started = await call(api.url, 'POST', '/api/workflows', { headers: json, body: JSON.stringify({ flow: 'from-text' }) });
    assert.equal(started.status, 201, started.body.error);
    assert.equal(started.body.name, 'from-text');
  });

  it('answers 400 naming the field for a bad body, 415 for one that is not declared JSON', async () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ graph: { ...waiting, nodes: [{ id: 'A.1' }] } }), /"graph\.nodes\.0\.name"/],
      [JSON.stringify({ graph: waiting, flow: 'x' }), /give one of "graph".*"flow".*"stateMachine".*"workflow".*not "graph" and "flow"/],
      [JSON.stringify({}), /give one of "graph".*not none/],
      [JSON.stringify({ graph: waiting, inputs: {} }), /inputs/],
      [JSON.stringify({ graph: waiting, id: 7 }), /"id"/],
      ['{"graph": ', /not JSON/],
    ];
    for (const [body, message] of cases) {
      const answer = await call(api.url, 'POST', '/api/workflows', { headers: json, body });
      assert.equal(answer.status, 400, body);
      assert.match(answer.body.error ?? '', message);
    }
    const plain = await call(api.url, 'POST', '/api/workflows', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ graph: waiting }) });
    assert.equal(plain.status, 415);
    assert.match(plain.body.error ?? '', /content-type: application\/json/);
  });

  it('answers 400 with the service\'s reason for a graph it cannot run, 409 for an id in use', async () => {
    const nowhere = { ...waiting, edges: [...waiting.edges, { from: 'W.1', to: 'X.9' }] };
    const refused = await call(api.url, 'POST', '/api/workflows', { headers: json, body: JSON.stringify({ graph: nowhere }) });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error ?? '', /X\.9/);
    await client.start(waiting, {}, { id: 'taken' });
    const again = await call(api.url, 'POST', '/api/workflows', { headers: json, body: JSON.stringify({ graph: waiting, id: 'taken' }) });
    assert.equal(again.status, 409);
    assert.match(again.body.error ?? '', /taken/);
  });

  it('pauses, resumes and terminates; 409 for an action the state does not allow; archives and restores', async () => {
    await client.start(waiting, {}, { id: 'life' });
    const post = (action: string) => call(api.url, 'POST', `/api/workflows/life/${action}`);
    assert.equal((await post('pause')).body.state, 'paused');
    const twice = await post('pause');
    assert.equal(twice.status, 409);
    assert.match(twice.body.error ?? '', /cannot pause/);
    assert.equal((await post('resume')).body.state, 'running');
    assert.equal((await post('archive')).status, 409, 'a running workflow cannot be archived');
    assert.equal((await post('terminate')).body.state, 'terminated');
    assert.equal((await post('archive')).body.archived, true);
    assert.ok(!(await client.list()).some((w) => w.id === 'life'), 'an archived workflow leaves the list');
    assert.ok((await client.list({ archived: true })).some((w) => w.id === 'life'), 'and shows with archived=true');
    assert.equal((await post('restore')).body.archived, false);
  });

  it('restarts a failed workflow from its failed task (200), and refuses to restart a running one (409)', async () => {
    await client.start(line('failing', [{ id: 'F.1', name: 'fail', parameters: { message: 'try again' } }]), {}, { id: 'failing' });
    for (let i = 0; i < 600 && (await client.inspect('failing'))?.state !== 'failed'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const failed = await call(api.url, 'GET', '/api/workflows/failing');
    assert.equal(failed.body.state, 'failed');
    assert.match(JSON.stringify(failed.body.tasks), /try again/, 'the task\'s error is in the detail');
    const restarted = await call(api.url, 'POST', '/api/workflows/failing/restart');
    assert.equal(restarted.status, 200, restarted.body.error);
    assert.equal(restarted.body.state, 'running');
    await client.start(waiting, {}, { id: 'busy' });
    const refused = await call(api.url, 'POST', '/api/workflows/busy/restart');
    assert.equal(refused.status, 409);
    assert.match(refused.body.error ?? '', /cannot restart/);
  });

  it('answers 404 for an unknown workflow, action or path; 405 for the wrong method', async () => {
    for (const [method, path] of [
      ['GET', '/api/workflows/nobody'],
      ['POST', '/api/workflows/nobody/pause'],
    ]) {
      const answer = await call(api.url, method!, path!);
      assert.equal(answer.status, 404, path);
      assert.match(answer.body.error ?? '', /no workflow "nobody"/);
    }
    await client.start(waiting, {}, { id: 'known' });
    const unknownAction = await call(api.url, 'POST', '/api/workflows/known/explode');
    assert.equal(unknownAction.status, 404);
    assert.match(unknownAction.body.error ?? '', /pause, resume, terminate, restart, archive, restore/);
    assert.equal((await call(api.url, 'GET', '/api/nothing')).status, 404);
    assert.equal((await call(api.url, 'GET', '/api/workflows/known/pause')).status, 405);
    assert.equal((await call(api.url, 'DELETE', '/api/workflows')).status, 405);
    assert.equal((await call(api.url, 'GET', '/api/workflows?archived=maybe')).status, 400);
  });

  it('the client has the service\'s methods: undefined for an unknown id, WorkflowApiError with the status for a refusal', async () => {
    assert.equal(await client.inspect('nobody'), undefined);
    const summary = await client.start(waiting, { n: 2 }, { id: 'typed' });
    assert.equal(summary.state, 'running');
    assert.equal((await client.inspect('typed'))?.name, 'waiting');
    await assert.rejects(client.resume('typed'), (error) => error instanceof WorkflowApiError && error.status === 409);
    await assert.rejects(client.pause('nobody'), (error) => error instanceof WorkflowApiError && error.status === 404 && /nobody/.test(error.message));
    assert.equal((await client.pause('typed')).state, 'paused');
    assert.equal((await client.terminate('typed')).state, 'terminated');
    assert.equal((await client.startFlow('flowed')).name, 'flowed');
  });

  it('streams changes as server-sent events: the client\'s watch sees the workflow start and pause', async () => {
    const changes: WatchEvent[] = [];
    const stop = await client.watch((change) => changes.push(change));
    await client.start(waiting, {}, { id: 'watched' });
    await client.pause('watched');
    const seen = async (state: string) => {
      for (let i = 0; i < 600 && !changes.some((c) => c.kind === 'workflow' && c.workflow.id === 'watched' && c.workflow.state === state); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return changes.some((c) => c.kind === 'workflow' && c.workflow.id === 'watched' && c.workflow.state === state);
    };
    assert.ok(await seen('running'), 'saw it running');
    assert.ok(await seen('paused'), 'saw it paused');
    await stop();
  });

  it('serves the console page, its script and its style from the package', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/console.js', 'text/javascript'],
      ['/console.css', 'text/css'],
    ]) {
      const response = await fetch(new URL(path!, api.url));
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', new RegExp(type!));
      assert.ok((await response.text()).length > 100);
    }
  });

  it('a client for an address nobody serves says so', async () => {
    const closed = await serveWorkflowApi({ service });
    await closed.close();
    const nowhere = new WorkflowClient({ url: closed.url });
    await assert.rejects(nowhere.list(), (error) => error instanceof ConfigError && /cannot reach the workflow API at http:\/\/127\.0\.0\.1:\d+/.test(error.message));
  });
});

describe('the workflow API without a compiler', () => {
  it('answers 400 for .flow text, naming the way that works', async () => {
    const service = await openWorkflows();
    const api = await serveWorkflowApi({ service });
    try {
      const answer = await call(api.url, 'POST', '/api/workflows', { headers: json, body: JSON.stringify({ flow: 'A → B' }) });
      assert.equal(answer.status, 400);
      assert.match(answer.body.error ?? '', /cannot compile \.flow text: send the workflow as "graph"/);
    } finally {
      await api.close();
      await service.close();
    }
  });
});
