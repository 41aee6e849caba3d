import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { makeEvent, WorkspaceNotFoundError, type TriggerSpec, type WorkspaceStore } from '../../stores/index.js';

/** One backend under the workspace store contract. */
export interface WorkspaceBackend {
  open(): Promise<WorkspaceStore>;
  /** The store closed and opened again, as a restarted process would. */
  reopen(store: WorkspaceStore): Promise<WorkspaceStore>;
}

const trigger = (id: string, transient = true): TriggerSpec => ({
  id,
  activation: [{ type: 'falco.invocation.succeeded', subject: 'run/map/', match: 'prefix' }],
  condition: { name: 'join', options: { expected: 3 } },
  action: { name: 'publish' },
  context: { seen: 0 },
  transient,
});
const event = (id: string, type = 'falco.invocation.succeeded') => makeEvent({ id, source: 'test', type, subject: `run/map/${id}`, data: { id } });

/** The behaviour every `WorkspaceStore` backend shares; call inside a `describe`. */
export function workspaceStoreContract(backend: WorkspaceBackend): void {
  it('keeps workspaces, triggers and the global context, also across a restart', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws, { global: { tenant: 'a' } });
    await store.createWorkspace(ws, { global: { tenant: 'ignored' } });
    await store.putTriggers(ws, [trigger('join'), trigger('count', false)]);
    store = await backend.reopen(store);
    assert.ok((await store.listWorkspaces()).includes(ws));
    assert.deepEqual(await store.getGlobal(ws), { tenant: 'a' });
    assert.deepEqual(await store.getTrigger(ws, 'join'), { spec: trigger('join'), context: { seen: 0 }, fired: 0 });
    assert.deepEqual((await store.listTriggers(ws)).map((t) => t.spec.id).sort(), ['count', 'join']);
    assert.equal(await store.deleteTrigger(ws, 'count'), true);
    assert.equal(await store.deleteTrigger(ws, 'count'), false);
    assert.equal(await store.getTrigger(ws, 'count'), undefined);
    await store.deleteWorkspace(ws);
    assert.ok(!(await store.listWorkspaces()).includes(ws));
    await assert.rejects(store.getGlobal(ws), WorkspaceNotFoundError);
    await store.close();
  });

  it('hands out copies: what a caller changes in a record or the global context is not the stored state', async () => {
    const store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws, { global: { tenant: 'a' } });
    await store.putTriggers(ws, [trigger('join')]);
    // The engine changes the contexts it loads in place while it applies a batch; until the batch
    // commits, the store must still hold what was committed, or a re-applied batch counts twice.
    const [listed] = await store.listTriggers(ws);
    listed!.context.seen = 1;
    (await store.getTrigger(ws, 'join'))!.context.seen = 2;
    (await store.getGlobal(ws)).tenant = 'b';
    assert.deepEqual((await store.getTrigger(ws, 'join'))?.context, { seen: 0 });
    assert.deepEqual(await store.getGlobal(ws), { tenant: 'a' });
    await store.deleteWorkspace(ws);
    await store.close();
  });

  it('refuses a workspace that does not exist, naming the fix', async () => {
    const store = await backend.open();
    const ws = `missing-${randomUUID()}`;
    const checkpoint = { triggers: [], removed: [], ack: { group: 'g', entryIds: [] }, events: [], commands: [] };
    for (const call of [
      () => store.putTriggers(ws, [trigger('t')]),
      () => store.getTrigger(ws, 't'),
      () => store.listTriggers(ws),
      () => store.getGlobal(ws),
      () => store.commit(ws, checkpoint),
      () => store.fireDueTimers(ws, Date.now()),
    ]) {
      await assert.rejects(call(), (error: Error) => error instanceof WorkspaceNotFoundError && error.message.includes(ws) && /create it first/.test(error.message));
    }
    assert.ok(!(await store.listWorkspaces()).includes(ws));
    await store.close();
  });

  it('writes a checkpoint whole: contexts, removals, global, the ack, events, commands and timers', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    await store.putTriggers(ws, [trigger('join'), trigger('count', false), trigger('gone')]);
    await store.events(ws).publish([event('e1'), event('e2'), event('e3')]);
    const consumer = await store.events(ws).consumer('engine', 'worker-1');
    const batch = await consumer.read({ blockMs: 0 });
    const last = batch.at(-1)!.entryId;
    const done = makeEvent({ id: 'joined', source: 'falco', type: 'falco.join.fired', data: { n: 3 } });
    const invoke = makeEvent({ id: 'run/call/0', source: 'falco', type: 'falco.command.invoke', data: { fn: 'f' } });
    await store.deleteTrigger(ws, 'gone');
    await store.commit(ws, {
      triggers: [
        { spec: trigger('count', false), context: { seen: 3 }, lastEntryId: last, fired: 1 },
        { spec: trigger('gone'), context: { seen: 3 }, lastEntryId: last, fired: 0 },
      ],
      removed: ['join'],
      global: { joins: 1 },
      ack: { group: 'engine', entryIds: batch.map((d) => d.entryId) },
      events: [done],
      commands: [invoke],
      timers: { set: [{ id: 'late', dueAt: 1_000, event: event('timeout', 'falco.timer') }], cancel: [] },
    });
    store = await backend.reopen(store);
    assert.deepEqual(await store.getTrigger(ws, 'count'), { spec: trigger('count', false), context: { seen: 3 }, lastEntryId: last, fired: 1 });
    assert.equal(await store.getTrigger(ws, 'join'), undefined, 'the fired transient trigger is removed');
    assert.equal(await store.getTrigger(ws, 'gone'), undefined, 'a trigger deleted meanwhile is not brought back');
    assert.deepEqual(await store.getGlobal(ws), { joins: 1 });
    const again = await store.events(ws).consumer('engine', 'worker-1');
    assert.deepEqual((await again.read({ blockMs: 0 })).map((d) => [d.event.id, d.deliveries]), [['joined', 1]], 'the batch is acknowledged; the published event follows it');
    const worker = await store.commands(ws).consumer('workers', 'w');
    assert.deepEqual((await worker.read({ blockMs: 0 })).map((d) => d.event), [invoke]);
    assert.equal(await store.fireDueTimers(ws, 999), 0);
    assert.equal(await store.fireDueTimers(ws, 1_000), 1);
    assert.deepEqual((await again.read({ blockMs: 0 })).map((d) => d.event.id), ['timeout']);
    await store.deleteWorkspace(ws);
    await store.close();
  });

  it('fires due timers once, oldest first, and never a cancelled one, also across a restart', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    const commit = (timers: { set: Array<{ id: string; dueAt: number; event: ReturnType<typeof event> }>; cancel: string[] }) =>
      store.commit(ws, { triggers: [], removed: [], ack: { group: 'engine', entryIds: [] }, events: [], commands: [], timers });
    await commit({ set: [{ id: 'b', dueAt: 200, event: event('tb', 'falco.timer') }, { id: 'a', dueAt: 100, event: event('ta', 'falco.timer') }, { id: 'c', dueAt: 150, event: event('tc', 'falco.timer') }], cancel: [] });
    await commit({ set: [{ id: 'a', dueAt: 120, event: event('ta2', 'falco.timer') }], cancel: ['c'] });
    store = await backend.reopen(store);
    const consumer = await store.events(ws).consumer('engine', 'e');
    assert.equal(await store.fireDueTimers(ws, 50), 0);
    assert.equal(await store.fireDueTimers(ws, 300), 2);
    assert.equal(await store.fireDueTimers(ws, 300), 0);
    assert.deepEqual((await consumer.read({ blockMs: 0 })).map((d) => d.event.id), ['ta2', 'tb']);
    store = await backend.reopen(store);
    assert.equal(await store.fireDueTimers(ws, 10_000), 0);
    await store.deleteWorkspace(ws);
    await store.close();
  });
}
