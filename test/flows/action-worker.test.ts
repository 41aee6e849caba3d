import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ActionWorker, TriggerService, Workspaces, type TriggerSpec } from '../../flows/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import type { Platform } from '../../src/index.js';
import { MemoryWorkspaceStore } from '../../stores/index.js';
import { eventsOfType, eventually } from './stream-reading.js';

const square = { runtime: 'nodejs:20', name: 'square', code: { source: 'function main(args) { if (args.n < 0) throw new Error("negative"); return { square: args.n * args.n }; }' } };
const fanOut: TriggerSpec = {
  id: 'square',
  activation: [{ type: 'numbers' }],
  condition: { name: 'true' },
  action: { name: 'invoke', options: { deployable: square, forEach: '{{event.data.items}}', input: { n: '{{item}}' } } },
  transient: false,
};
const collect: TriggerSpec = {
  id: 'all',
  activation: [{ type: 'falco.invocation.', subject: 'ws/square/', match: 'prefix' }],
  condition: { name: 'join', options: { n: 12 } },
  action: { name: 'publish', options: { type: 'squares.done', data: '{{context.join.count}}' } },
};

/** The platform, counting deploys and removes. */
function counted(platform: Platform): { platform: Platform; deploys: () => number; removes: () => number } {
  let deploys = 0;
  let removes = 0;
  const wrapped = new Proxy(platform, {
    get(target, property) {
      if (property === 'deploy') deploys++;
      if (property === 'remove') removes++;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { platform: wrapped, deploys: () => deploys, removes: () => removes };
}

describe('action worker on the local platform', () => {
  const local = new LocalPlatform();
  after(() => local.close());

  it('invokes once per command through the executor, reports each result with a stable id, deploys once and removes on stop', async () => {
    const store = new MemoryWorkspaceStore();
    const workspaces = new Workspaces(store);
    await workspaces.create('ws');
    await workspaces.addTriggers('ws', [fanOut, collect]);
    const { platform, deploys, removes } = counted(local);
    const service = await TriggerService.start({ store, workspace: 'ws' });
    const worker = await ActionWorker.start({ store, workspace: 'ws', platform });
    await workspaces.publish('ws', [{ id: 'a', source: 'test', type: 'numbers', data: { items: [1, 2, 3, 4, 5, -6] } }]);
    await workspaces.publish('ws', [{ id: 'b', source: 'test', type: 'numbers', data: { items: [7, 8, 9, 10, 11, 12] } }]);
    await eventually(async () => (await eventsOfType(store.events('ws'), 'squares.done')).length === 1, 'the join over 12 results fired');
    await worker.whenIdle();
    const results = await eventsOfType(store.events('ws'), 'falco.invocation.');
    assert.equal(results.length, 12);
    const failed = results.filter((e) => e.type === 'falco.invocation.failed');
    assert.deepEqual(failed.map((e) => (e.data as { error: { message: string } }).error.message.includes('negative')), [true]);
    const outputs = results.filter((e) => e.type === 'falco.invocation.succeeded').map((e) => (e.data as { output: { square: number } }).output.square);
    assert.deepEqual(outputs.sort((x, y) => x - y), [1, 4, 9, 16, 25, 49, 64, 81, 100, 121, 144]);
    const first = results[0]!;
    assert.match(first.subject!, /^ws\/square\/\d+-\d+\.\d+$/);
    assert.equal(first.id, `${first.subject}/result`);

    // The same command done again (a redelivery after a crash) reports under the same event id.
    const [command] = (await (await store.commands('ws').consumer('copy', 'c', { start: '0' })).read({ max: 1, blockMs: 0 })).map((d) => d.event);
    await store.commands('ws').publish([command!]);
    await worker.whenIdle();
    await worker.whenIdle();
    const again = await eventsOfType(store.events('ws'), 'falco.invocation.');
    assert.equal(again.length, 13);
    assert.equal(again.filter((e) => e.id === again[12]!.id).length, 2, 'a re-done command reports under the id of the first report');
    assert.equal(deploys(), 1, 'one deployable, deployed once and reused');
    await service.stop();
    await worker.stop();
    assert.equal(removes(), 1, 'removed when the worker stopped');
    assert.deepEqual((await store.commands('ws').info()).groups.find((g) => g.name === 'falco-actions')?.pending, 0);
  });

  it('reports a failure for a deployment nobody knows, and dead-letters a command it cannot read', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws');
    const worker = await ActionWorker.start({ store, workspace: 'ws', platform: local });
    const command = (data: unknown) => ({ specversion: '1.0' as const, id: 'c', source: 'test', type: 'falco.command.invoke', data });
    await store.commands('ws').publish([
      command({ deployment: 'nowhere', workspace: 'ws', trigger: 't', key: 'k', idempotencyKey: 'ws/t/k', input: {}, reportTo: 'ws' }),
      command({ deployment: 'nowhere' }),
    ]);
    await worker.whenIdle();
    await worker.stop();
    const [failed] = await eventsOfType(store.events('ws'), 'falco.invocation.failed');
    assert.match((failed!.data as { error: { message: string } }).error.message, /no deployment named "nowhere" on platform "local": deploy it first/);
    const dead = await store.commands('ws').deadLetters();
    assert.match(dead[0]!.reason, /malformed invoke command: .*workspace/);
  });

  it('gives up a command whose workers kept dying past the delivery cap: reports it failed with the reason, dead-letters it, never runs it', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws');
    const { platform, deploys } = counted(local);
    const consumerOptions = { maxDeliveries: 2, visibilityTimeoutMs: 60_000 };
    await store.commands('ws').publish([{ specversion: '1.0', id: 'c', source: 'test', type: 'falco.command.invoke', data: { deployable: square, workspace: 'ws', trigger: 't', key: 'k', idempotencyKey: 'ws/t/k', input: { n: 3 }, reportTo: 'ws' } }]);
    // Two workers under the worker's name took it and died before acknowledging (each restart reads its own pending entries again).
    for (let died = 0; died < 2; died++) {
      const dying = await store.commands('ws').consumer('falco-actions', 'worker', { maxDeliveries: 3, start: '0' });
      assert.equal((await dying.read({ blockMs: 0 })).length, 1);
      await dying.close();
    }
    const worker = await ActionWorker.start({ store, workspace: 'ws', platform, consumerOptions });
    await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.invocation.')).length === 1, 'the command was reported');
    await worker.stop();
    const [failed] = await eventsOfType(store.events('ws'), 'falco.invocation.');
    assert.equal(failed!.type, 'falco.invocation.failed');
    assert.equal(failed!.subject, 'ws/t/k');
    const error = (failed!.data as { error: { name: string; message: string } }).error;
    assert.equal(error.name, 'DeliveryCapError');
    assert.match(error.message, /invoke ws\/t\/k: handed out 2 times and never finished \(cap 2\)/);
    assert.match((await store.commands('ws').deadLetters())[0]!.reason, /never finished \(cap 2\)/);
    assert.equal(deploys(), 0, 'the function was never run');
    assert.deepEqual((await store.commands('ws').info()).groups.find((g) => g.name === 'falco-actions')?.pending, 0);
  });
});
