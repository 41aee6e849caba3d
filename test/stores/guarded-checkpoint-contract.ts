import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { CheckpointConflictError, makeEvent, type Checkpoint, type TriggerRecord, type WorkspaceStore } from '../../stores/index.js';
import type { WorkspaceBackend } from './workspace-store-contract.js';

const record = (id: string, fired: number, n: number): TriggerRecord => ({
  spec: { id, activation: [], condition: { name: 'true' }, action: { name: 'publish' } },
  context: { n },
  fired,
});
const checkpoint = (extra: Partial<Checkpoint>): Checkpoint => ({ triggers: [], removed: [], ack: { group: 'g', entryIds: [] }, events: [], commands: [], ...extra });
const event = (id: string) => makeEvent({ id, source: 'test', type: 'falco.task.start', data: { id } });

async function readAll(store: WorkspaceStore, ws: string, stream: string): Promise<string[]> {
  const consumer = await store.stream(ws, stream).consumer('readers', 'r');
  const ids = (await consumer.read({ blockMs: 0 })).map((d) => d.event.id);
  await consumer.close();
  return ids;
}

/** Named streams, `expect`-guarded checkpoints and checkpoints that acknowledge any stream, as every `WorkspaceStore` backend keeps them; call inside a `describe`. */
export function guardedCheckpointContract(backend: WorkspaceBackend): void {
  it('acknowledges entries of the command stream and of a named stream with the events it publishes, also across a restart; a conflicting checkpoint acknowledges nothing', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    await store.commands(ws).publish([event('c1'), event('c2')]);
    await store.stream(ws, 'tasks:a').publish([event('t1'), event('t2')]);
    const commands = await (await store.commands(ws).consumer('workers', 'w')).read({ blockMs: 0 });
    const tasks = await (await store.stream(ws, 'tasks:a').consumer('task-workers', 'w')).read({ blockMs: 0 });
    assert.deepEqual([commands.map((d) => d.event.id), tasks.map((d) => d.event.id)], [['c1', 'c2'], ['t1', 't2']]);
    await store.commit(ws, checkpoint({ triggers: [record('w', 0, 1)], expect: { w: null } }));
    await assert.rejects(
      store.commit(ws, checkpoint({ expect: { w: 7 }, events: [event('lost')], acks: [{ stream: 'commands', group: 'workers', entryIds: [commands[1]!.entryId] }] })),
      CheckpointConflictError,
    );
    await store.commit(ws, checkpoint({
      events: [event('c1/result')],
      acks: [
        { stream: 'commands', group: 'workers', entryIds: [commands[0]!.entryId] },
        { stream: { name: 'tasks:a' }, group: 'task-workers', entryIds: [tasks[1]!.entryId] },
      ],
    }));
    store = await backend.reopen(store);
    // A consumer gets back first what it held and never acknowledged.
    assert.deepEqual((await (await store.commands(ws).consumer('workers', 'w')).read({ blockMs: 0 })).map((d) => d.event.id), ['c2']);
    assert.deepEqual((await (await store.stream(ws, 'tasks:a').consumer('task-workers', 'w')).read({ blockMs: 0 })).map((d) => d.event.id), ['t1']);
    const published = await (await store.events(ws).consumer('readers', 'r')).read({ blockMs: 0 });
    assert.deepEqual(published.map((d) => d.event.id), ['c1/result']);
    await assert.rejects(store.commit(ws, checkpoint({ acks: [{ stream: { name: 'no spaces' }, group: 'g', entryIds: ['1-0'] }] })), /cannot name a stream/);
    await store.deleteWorkspace(ws);
    await store.close();
  });

  it('appends a checkpoint\'s events to named streams, kept apart and across a restart', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    await store.commit(ws, checkpoint({ streams: { 'tasks:a': [event('a1'), event('a2')], 'tasks:b': [event('b1')] } }));
    store = await backend.reopen(store);
    assert.deepEqual(await readAll(store, ws, 'tasks:a'), ['a1', 'a2']);
    assert.deepEqual(await readAll(store, ws, 'tasks:b'), ['b1']);
    assert.throws(() => store.stream(ws, 'no spaces'), /cannot name a stream/);
    await store.deleteWorkspace(ws);
    await store.close();
  });

  it('writes a guarded checkpoint only if every guarded trigger is as read: a new one created, a changed one a conflict that writes nothing', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    await store.commit(ws, checkpoint({ triggers: [record('w', 0, 1)], expect: { w: null } }));
    assert.deepEqual((await store.getTrigger(ws, 'w'))?.context, { n: 1 }, 'a guarded trigger that did not exist is created');
    await store.commit(ws, checkpoint({ triggers: [record('w', 1, 2)], expect: { w: 0 } }));
    await assert.rejects(
      store.commit(ws, checkpoint({ triggers: [record('w', 1, 99)], expect: { w: 0 }, streams: { out: [event('lost')] }, events: [event('lost-too')] })),
      (error: Error) => error instanceof CheckpointConflictError && /"w" changed since it was read/.test(error.message),
    );
    await assert.rejects(store.commit(ws, checkpoint({ triggers: [record('w', 0, 99)], expect: { w: null } })), CheckpointConflictError);
    store = await backend.reopen(store);
    assert.deepEqual(await store.getTrigger(ws, 'w'), record('w', 1, 2));
    assert.deepEqual(await readAll(store, ws, 'out'), [], 'a conflicting checkpoint publishes nothing');
    await store.deleteWorkspace(ws);
    await store.close();
  });
}
