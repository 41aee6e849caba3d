import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LifecycleWorker, TaskWorker, taskKind, Workflows, type Json } from '../../flows/index.js';
import { MemoryWorkspaceStore } from '../../stores/index.js';
import { chain, eventually, settled } from './helpers.js';

const WS = 'falco-workflows';

describe('a task worker ends each task as it ends', () => {
  it('one slow task in a batch of fast ones: the fast ones end, and their workflows go on, while the slow one runs; never more than the concurrency in hand', async () => {
    const store = new MemoryWorkspaceStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let most = 0;
    const ran: string[] = [];
    const step = taskKind<Json, Json>({
      run: async (input, { workflow, node, parameters }) => {
        most = Math.max(most, ++running);
        try {
          if (parameters.slow === true) await gate;
          ran.push(`${workflow}/${node}`);
          return input;
        } finally {
          running--;
        }
      },
    });
    // The kind's stream has its group before the workflows start, so their first tasks wait there and come in one read.
    await store.createWorkspace(WS);
    await (await store.stream(WS, 'tasks:step').consumer('falco-tasks', 'nobody')).close();
    const service = await Workflows.open({ store });
    const slow = { ...chain(1, 'step', 'slow'), nodes: [{ id: 'T1', name: 'step', parameters: { slow: true } }] };
    await service.start(slow, {}, { id: 'slow' });
    for (const id of ['f1', 'f2', 'f3']) await service.start(chain(3, 'step', 'fast'), {}, { id });
    const lifecycle = await LifecycleWorker.start({ store, blockMs: 10 });
    const worker = await TaskWorker.start({ store, kinds: { step }, concurrency: 2, blockMs: 10 });
    try {
      for (const id of ['f1', 'f2', 'f3']) assert.equal((await settled(service, id, ['finished', 'failed'], 30_000)).state, 'finished', `${id} finished while the slow task held its slot`);
      assert.equal((await service.inspect('slow'))!.tasks[0]!.state, 'running', 'the slow task is still running');
      assert.ok(!ran.includes('slow/T1'));
      assert.equal(most, 2, 'two tasks in hand at most: the slow one and one fast one at a time');
      release();
      assert.equal((await settled(service, 'slow')).state, 'finished');
      await eventually(() => ran.length === 10, 'every task ran once');
      assert.equal(new Set(ran).size, 10);
    } finally {
      release();
      await Promise.all([worker.stop(), lifecycle.stop(), service.close()]);
      await store.close();
    }
  });

  it('a dozen tasks in hand, each listening to the stop signal, raise no listener-leak warning', async () => {
    const store = new MemoryWorkspaceStore();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const nap = taskKind<Json, Json>({ run: async (input, { signal }) => (await sleep(20, input, { signal })) ?? {} });
    await store.createWorkspace(WS);
    await (await store.stream(WS, 'tasks:nap').consumer('falco-tasks', 'nobody')).close();
    const service = await Workflows.open({ store });
    const ids = Array.from({ length: 12 }, (_, i) => `nap-${i}`);
    for (const id of ids) await service.start(chain(1, 'nap'), {}, { id });
    const lifecycle = await LifecycleWorker.start({ store, blockMs: 10 });
    const worker = await TaskWorker.start({ store, kinds: { nap }, blockMs: 10 });
    try {
      for (const id of ids) assert.equal((await settled(service, id)).state, 'finished');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
    } finally {
      process.off('warning', onWarning);
      await Promise.all([worker.stop(), lifecycle.stop(), service.close()]);
      await store.close();
    }
  });

  it('a stop aborts the tasks in hand and leaves them unacknowledged: a worker started again runs them', async () => {
    const store = new MemoryWorkspaceStore();
    let started = 0;
    const blocked = taskKind<Json, Json>({
      run: (_input, { signal }) => {
        started++;
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
    });
    const service = await Workflows.open({ store });
    const lifecycle = await LifecycleWorker.start({ store, blockMs: 10 });
    const first = await TaskWorker.start({ store, kinds: { step: blocked }, blockMs: 10 });
    try {
      await service.start(chain(1, 'step'), {}, { id: 'held' });
      await eventually(() => started === 1, 'the task started');
      await first.stop();
      assert.equal((await service.inspect('held'))!.tasks[0]!.state, 'running', 'a stopped task reports no end');
      const again = await TaskWorker.start({ store, kinds: { step: taskKind({ run: () => ({ ok: true }) }) }, blockMs: 10 });
      const done = await settled(service, 'held');
      await again.stop();
      assert.deepEqual([done.state, done.tasks[0]!.output, done.tasks[0]!.attempt], ['finished', { ok: true }, 2]);
    } finally {
      await Promise.all([lifecycle.stop(), service.close()]);
      await store.close();
    }
  });
});
