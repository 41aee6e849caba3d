import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { WorkspaceNotFoundError, type TriggerRecord } from '../../stores/index.js';
import type { WorkspaceBackend } from './workspace-store-contract.js';

const record = (id: string, fired: number): TriggerRecord => ({
  spec: { id, activation: [], condition: { name: 'true' }, action: { name: 'publish' } },
  context: { id },
  fired,
});
const ids = (records: readonly TriggerRecord[]) => records.map((r) => r.spec.id).sort();

/** Reading several triggers at once, by ids or by the prefix of their ids, and their versions alone; call inside a `describe`. */
export function triggerReadsContract(backend: WorkspaceBackend): void {
  it('gets several triggers in the order asked (undefined for a missing one), lists by prefix, and gives versions without records', async () => {
    let store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    const written = [record('workflow:a', 0), record('workflow:b', 4), record('workflow-task:a/T1', 2), record('latch:x', 1)];
    await store.commit(ws, { triggers: written, removed: [], ack: { group: 'g', entryIds: [] }, events: [], commands: [], expect: Object.fromEntries(written.map((r) => [r.spec.id, null])) });
    store = await backend.reopen(store);
    const got = await store.getTriggers(ws, ['workflow:b', 'nope', 'workflow-task:a/T1']);
    assert.deepEqual(got, [record('workflow:b', 4), undefined, record('workflow-task:a/T1', 2)]);
    assert.deepEqual(await store.getTriggers(ws, []), []);
    assert.deepEqual(ids(await store.listTriggers(ws, { prefix: 'workflow:' })), ['workflow:a', 'workflow:b']);
    assert.deepEqual(ids(await store.listTriggers(ws, { prefix: 'none:' })), []);
    assert.deepEqual(ids(await store.listTriggers(ws)), ['latch:x', 'workflow-task:a/T1', 'workflow:a', 'workflow:b']);
    assert.deepEqual(await store.triggerVersions(ws, 'workflow'), { 'workflow:a': 0, 'workflow:b': 4, 'workflow-task:a/T1': 2 });
    await store.commit(ws, { triggers: [record('workflow:a', 1)], removed: [], ack: { group: 'g', entryIds: [] }, events: [], commands: [], expect: { 'workflow:a': 0 } });
    assert.deepEqual(await store.triggerVersions(ws, 'workflow:'), { 'workflow:a': 1, 'workflow:b': 4 });
    (await store.getTriggers(ws, ['workflow:a']))[0]!.context.id = 'changed';
    assert.deepEqual((await store.getTrigger(ws, 'workflow:a'))?.context, { id: 'workflow:a' }, 'a copy is handed out');
    await store.deleteWorkspace(ws);
    for (const call of [() => store.getTriggers(ws, ['a']), () => store.listTriggers(ws, { prefix: 'a' }), () => store.triggerVersions(ws, 'a')]) {
      await assert.rejects(call(), WorkspaceNotFoundError);
    }
    await store.close();
  });

  it('reads 9,000 triggers by prefix in one call (more than one Lua unpack takes)', async () => {
    const store = await backend.open();
    const ws = randomUUID();
    await store.createWorkspace(ws);
    const many = Array.from({ length: 9_000 }, (_, i) => record(`n:${i}`, i));
    await store.commit(ws, { triggers: many, removed: [], ack: { group: 'g', entryIds: [] }, events: [], commands: [], expect: Object.fromEntries(many.map((r) => [r.spec.id, null])) });
    assert.equal((await store.listTriggers(ws, { prefix: 'n:' })).length, 9_000);
    const versions = await store.triggerVersions(ws, 'n:');
    assert.equal(Object.keys(versions).length, 9_000);
    assert.equal(versions['n:8999'], 8_999);
    await store.deleteWorkspace(ws);
    await store.close();
  });
}
