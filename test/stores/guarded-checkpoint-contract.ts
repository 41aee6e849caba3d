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

/** Named streams and `expect`-guarded checkpoints, as every `WorkspaceStore` backend keeps them; call inside a `describe`. */
export function guardedCheckpointContract(backend: WorkspaceBackend): void {
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
