import assert from 'node:assert/strict';
import { makeEvent, type EventConsumer, type JsonObject, type WorkspaceStore } from '../../stores/index.js';

/**
 * A workload for crash tests: `TICKS` tick events in a workspace's event stream, and a loop that
 * reads a batch, counts its ticks into a trigger's context and checkpoints the count with the ack,
 * an echo event and one command. A checkpoint half applied shows: counts off, commands that do not
 * match commits, echoes lost or doubled.
 */
export const WORKSPACE = 'crash';
export const GROUP = 'engine';

interface Counts extends JsonObject {
  ticks: number;
  echoes: number;
  commits: number;
}

export async function setUpWorkload(store: WorkspaceStore, ticks: number): Promise<void> {
  await store.createWorkspace(WORKSPACE);
  const context: Counts = { ticks: 0, echoes: 0, commits: 0 };
  await store.putTriggers(WORKSPACE, [{ id: 'count', activation: [{ type: 'tick' }], condition: { name: 'true' }, action: { name: 'pass' }, context, transient: false }]);
  const events = Array.from({ length: ticks }, (_, n) => makeEvent({ id: `t${n}`, source: 'test', type: 'tick', data: { n } }));
  for (let i = 0; i < events.length; i += 500) await store.events(WORKSPACE).publish(events.slice(i, i + 500));
}

/** Applies one batch; false once there is nothing left to read. */
export async function applyBatch(store: WorkspaceStore, consumer: EventConsumer): Promise<boolean> {
  const batch = await consumer.read({ max: 7, blockMs: 0 });
  if (batch.length === 0) return false;
  const record = (await store.getTrigger(WORKSPACE, 'count'))!;
  const before = record.context as Counts;
  const ticks = batch.filter((d) => d.event.type === 'tick').length;
  const commits = before.commits + 1;
  await store.commit(WORKSPACE, {
    triggers: [{ ...record, context: { ticks: before.ticks + ticks, echoes: before.echoes + batch.length - ticks, commits }, lastEntryId: batch.at(-1)!.entryId }],
    removed: [],
    ack: { group: GROUP, entryIds: batch.map((d) => d.entryId) },
    events: ticks > 0 ? [makeEvent({ id: `echo-${commits}`, source: 'test', type: 'echo' })] : [],
    commands: [makeEvent({ id: `command-${commits}`, source: 'test', type: 'falco.command.invoke' })],
  });
  return true;
}

/** Every checkpoint was all or nothing: one command per commit, and (once done) every tick and echo counted once. */
export async function checkInvariants(store: WorkspaceStore, ticks: number, finished: boolean): Promise<Counts> {
  const counts = (await store.getTrigger(WORKSPACE, 'count'))!.context as Counts;
  assert.equal((await store.commands(WORKSPACE).info()).length, counts.commits, 'one command per checkpoint');
  assert.ok(counts.ticks <= ticks, `${counts.ticks} ticks counted of ${ticks}`);
  if (finished) {
    assert.equal(counts.ticks, ticks, 'every tick counted once');
    const echoes = (await store.events(WORKSPACE).info()).length - ticks;
    assert.equal(counts.echoes, echoes, 'every echo counted once');
    assert.deepEqual((await store.events(WORKSPACE).info()).groups, [{ name: GROUP, pending: 0 }], 'nothing left pending');
  }
  return counts;
}
