import { after, describe, it } from 'node:test';
import { ActionWorker, INVOKE_COMMAND_TYPE, makeEvent, type InvokeCommand } from '../../flows/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { MemoryWorkspaceStore } from '../../stores/index.js';
import { eventsOfType, eventually } from './stream-reading.js';

const never = { runtime: 'nodejs:20', name: 'never', code: { source: 'function main() { return new Promise(() => {}); }' } };
const quick = { runtime: 'nodejs:20', name: 'quick', code: { source: 'function main({ n }) { return { n }; }' } };

function command(key: string, deployable: InvokeCommand['deployable'], input: InvokeCommand['input']) {
  const data: InvokeCommand = { deployable: deployable!, workspace: 'ws', trigger: 't', key, idempotencyKey: `ws/t/${key}`, input, reportTo: 'ws' };
  return makeEvent({ id: `ws/t/${key}`, source: 'test', type: INVOKE_COMMAND_TYPE, data });
}

describe('action worker with a call that does not end', () => {
  const local = new LocalPlatform();
  after(() => local.close());

  it('reports the other calls (of its batch and of later ones) while it runs', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws');
    const stop = new AbortController();
    const worker = await ActionWorker.start({ store, workspace: 'ws', platform: local, signal: stop.signal });
    await store.commands('ws').publish([command('stuck', never, {}), command('first', quick, { n: 1 })]);
    await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.invocation.succeeded')).length === 1, 'the quick call of the same batch is reported');
    await store.commands('ws').publish([command('later', quick, { n: 2 })]);
    await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.invocation.succeeded')).length === 2, 'a call sent after it is run and reported');
    stop.abort();
    await worker.stop();
    await store.close();
  });
});
