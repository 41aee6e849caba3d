import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LifecycleWorker, makeEvent, TaskWorker, Workflows, type FlowGraph } from '../../flows/index.js';
import { FileWorkspaceStore, MemoryWorkspaceStore, type WorkspaceStore } from '../../stores/index.js';
import { RedisWorkspaceStore } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { suiteRedis } from '../stores/suite-redis.js';
import { settled } from './helpers.js';
import { testKinds } from './kinds.js';

interface Backend {
  open(): Promise<WorkspaceStore>;
  /** The store closed and opened again, as a restarted process would (memory: the same store goes on). */
  reopen(store: WorkspaceStore): Promise<WorkspaceStore>;
}

/** The service, a lifecycle and a worker on one store, in this process. */
async function run(store: WorkspaceStore, workspace: string) {
  const service = await Workflows.open({ store, workspace });
  const lifecycle = await LifecycleWorker.start({ store, workspace });
  const worker = await TaskWorker.start({ store, workspace, kinds: testKinds });
  return { service, stop: () => Promise.all([service.close(), lifecycle.stop(), worker.stop()]) };
}

const single = (name: string, node: FlowGraph['nodes'][number]): FlowGraph => ({ name, nodes: [node, { id: 'after', name: 'collect' }], edges: [{ from: '$start', to: node.id }, { from: node.id, to: 'after' }, { from: 'after', to: '$end' }] });

function waitTasks(name: string, backend: () => Backend, skip?: string): void {
  describe(`wait tasks, durable in the store: ${name}`, { skip }, () => {
    it('wait:delay is a timer in the store: it survives the lifecycle and worker stopping, and fires for the next ones', async () => {
      const ws = `w-${randomUUID()}`;
      let store = await backend().open();
      let running = await run(store, ws);
      await running.service.start(single('delay', { id: 'D', name: 'wait:delay', parameters: { seconds: 0.3 } }), { x: 1 }, { id: 'd' });
      assert.equal((await running.service.inspect('d'))!.tasks[0]!.state, 'waiting');
      await running.stop();
      store = await backend().reopen(store);
      running = await run(store, ws);
      const detail = await settled(running.service, 'd');
      assert.equal(detail.state, 'finished');
      assert.deepEqual(detail.output, { x: 1 }, 'a delay passes its input on');
      assert.ok(detail.tasks[0]!.endedAt! - detail.tasks[0]!.startedAt! >= 300, 'it waited');
      await running.stop();
      await store.close();
    });

    it('wait:event ends on a CloudEvent of its type whose data holds its input, and only that one', async () => {
      const ws = `w-${randomUUID()}`;
      const store = await backend().open();
      const running = await run(store, ws);
      const waiting = single('event', { id: 'E', name: 'wait:event', parameters: { type: 'order.paid', match: true } });
      await running.service.start(waiting, { order: 1 }, { id: 'o1' });
      await running.service.start(waiting, { order: 2 }, { id: 'o2' });
      const paid = (order: number, id: string) => makeEvent({ id, source: 'shop', type: 'order.paid', data: { order, amount: 5 } });
      await store.events(ws).publish([makeEvent({ id: 'other', source: 'shop', type: 'order.shipped', data: { order: 2 } }), paid(2, 'p2')]);
      const o2 = await settled(running.service, 'o2');
      assert.deepEqual(o2.output, { order: 2, amount: 5 }, 'the event\'s data is the wait\'s output');
      assert.equal((await running.service.inspect('o1'))!.state, 'running', 'order 1 still waits: the event was for order 2');
      await store.events(ws).publish([paid(1, 'p1')]);
      assert.equal((await settled(running.service, 'o1')).state, 'finished');
      await running.stop();
      await store.close();
    });

    it('a countdown latch shared by 10 workflows releases all of them, once, when it comes down to zero', async () => {
      const ws = `w-${randomUUID()}`;
      const store = await backend().open();
      const running = await run(store, ws);
      const holder: FlowGraph = {
        name: 'holder',
        nodes: [
          { id: 'take', name: 'wait:acquire', parameters: { latch: 'gate' } },
          { id: 'hold', name: 'wait:event', parameters: { type: 'gate.open' } },
          { id: 'give', name: 'wait:release', parameters: { latch: 'gate' } },
        ],
        edges: [{ from: '$start', to: 'take' }, { from: 'take', to: 'hold' }, { from: 'hold', to: 'give' }, { from: 'give', to: '$end' }],
      };
      await running.service.start(holder, {}, { id: 'holder' });
      await settled(running.service, 'holder', ['running']);
      const waiter = single('waiter', { id: 'C', name: 'wait:countdown', parameters: { latch: 'gate' } });
      const ids = Array.from({ length: 10 }, (_, i) => `waiter-${i}`);
      for (const [i, id] of ids.entries()) await running.service.start(waiter, { i }, { id });
      for (const id of ids) assert.equal((await running.service.inspect(id))!.tasks[0]!.state, 'waiting');
      await store.events(ws).publish([makeEvent({ id: 'open', source: 'test', type: 'gate.open', data: {} })]);
      for (const [i, id] of ids.entries()) {
        const detail = await settled(running.service, id);
        assert.equal(detail.state, 'finished');
        assert.deepEqual(detail.output, { i });
        assert.equal(detail.tasks[0]!.attempt, 1);
      }
      assert.equal((await settled(running.service, 'holder')).state, 'finished');
      await running.stop();
      await store.close();
    });
  });
}

waitTasks('memory', () => ({ open: async () => new MemoryWorkspaceStore(), reopen: async (store) => store }));

describe('file', () => {
  const dir = suiteTempDir('falco-waits-');
  const dirs = new WeakMap<object, string>();
  const openOn = (path: string) => {
    const store = new FileWorkspaceStore({ dir: path });
    dirs.set(store, path);
    return store;
  };
  waitTasks('file', () => ({
    open: async () => openOn(join(dir(), randomUUID())),
    reopen: async (store) => {
      await store.close();
      return openOn(dirs.get(store)!);
    },
  }));
});

describe('Redis', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();
  waitTasks('Redis', () => ({
    open: async () => new RedisWorkspaceStore({ url: redis.server().url }),
    reopen: async (store) => {
      await store.close();
      return new RedisWorkspaceStore({ url: redis.server().url });
    },
  }));
});
