import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, MemoryWorkspaceStore, WorkspaceNotFoundError, type TriggerSpec } from '../../stores/index.js';

const spec: TriggerSpec = { id: 't', activation: [{ type: 'tick' }], condition: { name: 'true' }, action: { name: 'pass' }, context: { n: 0 } };
const tick = (id: string) => makeEvent({ id, source: 'test', type: 'tick' });

describe('memory workspace store', () => {
  it('keeps copies: changing what was put or what was read changes nothing stored', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws', { global: { g: 1 } });
    const mine = structuredClone(spec);
    await store.putTriggers('ws', [mine]);
    (mine.context as { n: number }).n = 5;
    const read = await store.getTrigger('ws', 't');
    (read!.context as { n: number }).n = 7;
    (await store.getGlobal('ws')).g = 2;
    assert.deepEqual((await store.getTrigger('ws', 't'))?.context, { n: 0 });
    assert.deepEqual(await store.getGlobal('ws'), { g: 1 });
  });

  it('commits a checkpoint in one step: contexts, removals, global, acks, events, commands, timers', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('ws');
    await store.putTriggers('ws', [spec, { ...spec, id: 'gone' }]);
    await store.events('ws').publish([tick('a')]);
    const consumer = await store.events('ws').consumer('engine', 'one', { start: '0' });
    const [delivery] = await consumer.read({ blockMs: 0 });
    const timer = { id: 'later', dueAt: 5_000, event: tick('timed') };
    await store.commit('ws', {
      triggers: [{ spec, context: { n: 1 }, lastEntryId: delivery!.entryId, fired: 1 }],
      removed: ['gone'],
      global: { done: true },
      ack: { group: 'engine', entryIds: [delivery!.entryId] },
      events: [tick('b')],
      commands: [tick('c')],
      timers: { set: [timer, { id: 'soon', dueAt: 1_000, event: tick('soon') }, { id: 'never', dueAt: 2_000, event: tick('never') }], cancel: [] },
    });
    assert.deepEqual((await store.listTriggers('ws')).map((t) => [t.spec.id, t.context, t.lastEntryId]), [['t', { n: 1 }, delivery!.entryId]]);
    assert.deepEqual(await store.getGlobal('ws'), { done: true });
    assert.deepEqual((await store.events('ws').info()).groups, [{ name: 'engine', pending: 0 }]);
    assert.equal((await store.commands('ws').info()).length, 1);
    await store.commit('ws', { triggers: [], removed: [], ack: { group: 'engine', entryIds: [] }, events: [], commands: [], timers: { set: [], cancel: ['never'] } });
    assert.equal(await store.fireDueTimers('ws', 999), 0);
    assert.equal(await store.fireDueTimers('ws', 5_000), 2);
    assert.deepEqual((await consumer.read({ blockMs: 0 })).map((d) => d.event.id), ['b', 'soon', 'timed']);
  });

  it('names a workspace that does not exist and how to create it', async () => {
    const store = new MemoryWorkspaceStore();
    await assert.rejects(store.putTriggers('nope', [spec]), (e: unknown) => e instanceof WorkspaceNotFoundError && /"nope" does not exist: create it first/.test(e.message));
    assert.throws(() => store.events('nope'), WorkspaceNotFoundError);
  });
});
