import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serveWorkflowApi, WatchLostError, WorkflowClient, type WatchEvent, type WorkflowApi } from '../../flows/index.js';
import type { EmbeddedWorkflows } from '../../flows/index.js';
import { until } from './kinds.js';
import { TcpProxy } from './tcp-proxy.js';
import { line, openWorkflows } from './workflows.js';

const waiting = line('waiting', [{ id: 'W.1', name: 'wait:delay', parameters: { seconds: 3600 } }]);

/** The events a watch was told, with the id of each workflow change and every snapshot. */
function recorder() {
  const events: WatchEvent[] = [];
  const states = (id: string) => events.flatMap((event) => (event.kind === 'workflow' && event.workflow.id === id ? [event.workflow.state] : []));
  return { events, states, listener: (event: WatchEvent) => events.push(event) };
}

describe('the watch reconnects', () => {
  let service: EmbeddedWorkflows;
  let api: WorkflowApi;
  before(async () => {
    service = await openWorkflows();
    api = await serveWorkflowApi({ service, heartbeatMs: 50 });
  });
  after(async () => {
    await api.close();
    await service.close();
  });

  it('gives every event an id, tells the client its retry time, and sends heartbeats', async () => {
    const abort = new AbortController();
    const response = await fetch(new URL('/api/watch', api.url), { signal: abort.signal });
    const reader = response.body!.getReader();
    let text = '';
    await service.start(waiting, {}, { id: 'framed' });
    while (!/: heartbeat/.test(text) || !/data: .*"framed"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    assert.match(text, /^: watching\nretry: \d+\nid: [0-9a-f]{8}-\d+\n\n/);
    for (const block of text.split('\n\n').filter((b) => b.includes('data:'))) assert.match(block, /^id: [0-9a-f]{8}-\d+\ndata: /m);
  });

  it('resumes after Last-Event-ID through a proxy killed and started again: each change made meanwhile arrives once', async () => {
    const proxy = await TcpProxy.start(Number(new URL(api.url).port));
    const witness = recorder();
    const watched = recorder();
    const direct = new WorkflowClient({ url: api.url });
    const proxied = new WorkflowClient({ url: proxy.url });
    const stopWitness = await direct.watch(witness.listener);
    const stop = await proxied.watch(watched.listener);
    try {
      await service.start(waiting, {}, { id: 'before' });
      await until('the proxied watch saw "before"', async () => watched.states('before').includes('running'));
      await proxy.kill();
      await service.start(waiting, {}, { id: 'away' });
      await until('the server saw "away" start', async () => witness.states('away').includes('running'));
      await service.pause('away');
      await until('the server saw "away" paused', async () => witness.states('away').includes('paused'));
      await proxy.restart();
      await until('the proxied watch caught up', async () => watched.states('away').includes('paused'));
      await service.resume('away');
      await until('the proxied watch sees what comes next', async () => watched.states('away').length === 3);
      assert.ok(proxy.watches >= 2, 'it reconnected');
      assert.ok(!watched.events.some((event) => event.kind === 'snapshot'), 'a replay, not a snapshot');
      assert.deepEqual(watched.states('away'), ['running', 'paused', 'running']);
      assert.deepEqual(witness.states('away'), ['running', 'paused', 'running']);
      const tasksOf = (events: WatchEvent[]) => events.filter((event) => event.kind === 'task' && event.workflow === 'away').map((event) => JSON.stringify(event));
      assert.deepEqual(tasksOf(watched.events), tasksOf(witness.events), 'the same task changes, each once');
    } finally {
      await stop();
      await stopWitness();
      await proxy.kill();
    }
  });

  it('after the API itself restarts on its port, gets a snapshot that holds the changes made while it was down', async () => {
    const first = await serveWorkflowApi({ service });
    const port = Number(new URL(first.url).port);
    const watched = recorder();
    const client = new WorkflowClient({ url: first.url });
    const stop = await client.watch(watched.listener);
    let second: WorkflowApi | undefined;
    try {
      await service.start(waiting, {}, { id: 'seen' });
      await until('the watch saw "seen"', async () => watched.states('seen').length > 0);
      await first.close();
      await service.start(waiting, {}, { id: 'missed' });
      second = await serveWorkflowApi({ service, port });
      const snapshot = await until('a snapshot came', async () => watched.events.find((event) => event.kind === 'snapshot'));
      assert.ok(snapshot.kind === 'snapshot' && snapshot.workflows.some((workflow) => workflow.id === 'missed' && workflow.state === 'running' && workflow.tasks.length === 1));
      await service.pause('missed');
      await until('the watch sees changes after the snapshot', async () => watched.states('missed').includes('paused'));
    } finally {
      await stop();
      await second?.close();
    }
  });

  it('gives up after the reconnects it was allowed with a WatchLostError, and stops at once when its signal aborts', async () => {
    const proxy = await TcpProxy.start(Number(new URL(api.url).port));
    const client = new WorkflowClient({ url: proxy.url });
    try {
      let lost: WatchLostError | undefined;
      await client.watch(() => {}, { maxReconnects: 2, maxDelayMs: 100, onError: (error) => (lost = error) });
      await proxy.kill();
      const error = await until('the watch gave up', async () => lost);
      assert.ok(error instanceof WatchLostError);
      assert.equal(error.attempts, 2);
      assert.match(error.message, /2 reconnects in a row failed/);

      await proxy.restart();
      const abort = new AbortController();
      await client.watch(() => {}, { signal: abort.signal, maxDelayMs: 100 });
      const watches = proxy.watches;
      abort.abort();
      await proxy.kill();
      await proxy.restart();
      // Long enough for several reconnects at the 100 ms cap, had the watch not stopped.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(proxy.watches, watches, 'no reconnect after the abort');
    } finally {
      await client.close();
      await proxy.kill();
    }
  });
});
