import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActionWorker, TriggerService, Workspaces, type TriggerSpec } from '../../flows/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { FatalError, type Platform } from '../../src/index.js';
import { MemoryWorkspaceStore, type Checkpoint, type EventConsumer, type EventStream, type FalcoEvent, type WorkspaceStore } from '../../stores/index.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { counted as countedRuns } from './code/functions.js';
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

/** Appends its idempotency key to `counter` (one line per execution), then waits until the file `gate` exists, if one is named. */
const countingFunction = {
  runtime: 'nodejs:20',
  name: 'counted',
  code: {
    source:
      "const fs = require('node:fs');\n" +
      'async function main({ counter, gate, idempotencyKey }) {\n' +
      "  fs.appendFileSync(counter, idempotencyKey + '\\n');\n" +
      '  while (gate && !fs.existsSync(gate)) await new Promise((r) => setTimeout(r, 20));\n' +
      '  return { ran: true };\n' +
      '}\n',
  },
};

const countedCommand = (id: string, input: Record<string, string>): FalcoEvent => ({
  specversion: '1.0',
  id,
  source: 'test',
  type: 'falco.command.invoke',
  data: { deployable: countingFunction, workspace: 'ws', trigger: 't', key: 'k', idempotencyKey: 'ws/t/k', input: { ...input, idempotencyKey: 'ws/t/k' }, reportTo: 'ws' },
});

const isResult = (event: FalcoEvent) => event.type.startsWith('falco.invocation.');

/**
 * The store as a process sees it that is SIGKILLed right after a result event is stored: the
 * write that stores it succeeds, every write after it fails.
 */
function dyingOnceAResultIsStored(store: WorkspaceStore): WorkspaceStore {
  let dead = false;
  const check = () => {
    if (dead) throw new FatalError('the process was killed');
  };
  const consumer = (inner: EventConsumer): EventConsumer =>
    Object.assign(Object.create(inner) as EventConsumer, {
      read: (options?: Parameters<EventConsumer['read']>[0]) => inner.read(options),
      ack: async (entryIds: readonly string[]) => (check(), inner.ack(entryIds)),
      deadLetter: async (...args: Parameters<EventConsumer['deadLetter']>) => (check(), inner.deadLetter(...args)),
      close: () => inner.close(),
    });
  const stream = (inner: EventStream): EventStream =>
    Object.assign(Object.create(inner) as EventStream, {
      publish: async (events: readonly FalcoEvent[]) => {
        check();
        await inner.publish(events);
        if (events.some(isResult)) dead = true;
      },
      consumer: async (...args: Parameters<EventStream['consumer']>) => consumer(await inner.consumer(...args)),
    });
  return Object.assign(Object.create(store) as WorkspaceStore, {
    events: (workspace: string) => stream(store.events(workspace)),
    commands: (workspace: string) => stream(store.commands(workspace)),
    commit: async (workspace: string, checkpoint: Checkpoint) => {
      check();
      await store.commit(workspace, checkpoint);
      if (checkpoint.events.some(isResult)) dead = true;
    },
  });
}

describe('action worker on the local platform', () => {
  const local = new LocalPlatform();
  after(() => local.close());
  const dir = suiteTempDir('falco-action-worker-');

  it('publishes a result and acknowledges its command in one step: a worker killed right after the result is stored leaves nothing to run again', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws');
    const counter = join(dir(), 'killed-counter');
    const errors: unknown[] = [];
    const dying = await ActionWorker.start({ store: dyingOnceAResultIsStored(store), workspace: 'ws', platform: local, onError: (error) => errors.push(error) });
    await store.commands('ws').publish([countedCommand('c', { counter })]);
    await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.invocation.')).length === 1, 'the result was stored');
    await dying.whenIdle();
    await dying.stop();
    // The same worker started again, as after the kill: it reads first what it held and never acknowledged.
    const restarted = await ActionWorker.start({ store, workspace: 'ws', platform: local });
    await restarted.whenIdle();
    await restarted.stop();
    assert.deepEqual(errors, [], 'nothing was left to write after the result');
    assert.deepEqual(countedRuns(counter), ['ws/t/k'], 'the call ran once');
    assert.equal((await eventsOfType(store.events('ws'), 'falco.invocation.succeeded')).length, 1);
    assert.deepEqual((await store.commands('ws').info()).groups.find((g) => g.name === 'falco-actions')?.pending, 0);
  });

  it('acknowledges copies of a command (the same idempotency key) read while it runs or after it was reported, without running them', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws');
    const counter = join(dir(), 'copies-counter');
    const gate = join(dir(), 'copies-gate');
    const worker = await ActionWorker.start({ store, workspace: 'ws', platform: local });
    try {
      await store.commands('ws').publish([countedCommand('c', { counter, gate })]);
      await eventually(async () => countedRuns(counter).length === 1, 'the call started');
      await store.commands('ws').publish([countedCommand('c', { counter, gate })]);
      await eventually(async () => (await store.commands('ws').info()).groups.find((g) => g.name === 'falco-actions')?.pending === 2, 'the copy was read while the call runs');
      writeFileSync(gate, '');
      await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.invocation.')).length === 1, 'the result was reported');
      await worker.whenIdle();
      await store.commands('ws').publish([countedCommand('c', { counter, gate })]);
      await worker.whenIdle();
    } finally {
      writeFileSync(gate, '');
      await worker.stop();
    }
    assert.deepEqual(countedRuns(counter), ['ws/t/k'], 'the call ran once');
    assert.equal((await eventsOfType(store.events('ws'), 'falco.invocation.')).length, 1);
    assert.deepEqual((await store.commands('ws').info()).groups.find((g) => g.name === 'falco-actions')?.pending, 0);
  });

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

    // The same command done again by a worker that does not know it ran (a redelivery after a crash) reports under the same event id.
    const [command] = (await (await store.commands('ws').consumer('copy', 'c', { start: '0' })).read({ max: 1, blockMs: 0 })).map((d) => d.event);
    await service.stop();
    await worker.stop();
    assert.equal(deploys(), 1, 'one deployable, deployed once and reused');
    assert.equal(removes(), 1, 'removed when the worker stopped');
    await store.commands('ws').publish([command!]);
    const restarted = await ActionWorker.start({ store, workspace: 'ws', platform });
    await restarted.whenIdle();
    await restarted.stop();
    const again = await eventsOfType(store.events('ws'), 'falco.invocation.');
    assert.equal(again.length, 13);
    assert.equal(again.filter((e) => e.id === again[12]!.id).length, 2, 'a re-done command reports under the id of the first report');
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
