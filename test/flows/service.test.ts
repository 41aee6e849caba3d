import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { createRegistry, TriggerService, Workspaces, type TriggerSpec } from '../../flows/index.js';
import { FatalError } from '../../src/index.js';
import { makeEvent, MemoryWorkspaceStore, WorkspaceNotFoundError } from '../../stores/index.js';
import { crashingAfter } from './crashing-store.js';
import { eventsOfType, eventually } from './stream-reading.js';

const result = (n: number) => ({ id: `r${n}`, source: 'test', type: 'falco.invocation.succeeded', subject: `run/map/${n}`, data: { n } });
const join = (n?: number): TriggerSpec => ({
  id: 'join',
  activation: [{ type: 'falco.invocation.succeeded', subject: 'run/map/', match: 'prefix' }, { type: 'falco.join.expected' }],
  condition: { name: 'join', options: n === undefined ? {} : { n } },
  action: { name: 'publish', options: { type: 'map.done', data: { count: '{{context.join.count}}', last: '{{event.id}}' } } },
});
const watch: TriggerSpec = { id: 'watch', activation: [{ type: 'map.done' }], condition: { name: 'true' }, action: { name: 'pass' }, context: {}, transient: false };

async function workspace(triggers: TriggerSpec[]): Promise<{ store: MemoryWorkspaceStore; workspaces: Workspaces }> {
  const store = new MemoryWorkspaceStore();
  const workspaces = new Workspaces(store);
  await workspaces.create('ws');
  await workspaces.addTriggers('ws', triggers);
  return { store, workspaces };
}

describe('trigger service', () => {
  it('fires a 1,000-way join exactly once, on the last distinct event, though 200 were published twice', async () => {
    const { store, workspaces } = await workspace([join(1000), watch]);
    const service = await TriggerService.start({ store, workspace: 'ws', batchSize: 128 });
    for (let start = 0; start < 1000; start += 250) {
      await workspaces.publish('ws', Array.from({ length: 250 }, (_, i) => result(start + i)));
      await workspaces.publish('ws', Array.from({ length: 50 }, (_, i) => result(start + i)));
    }
    await service.whenIdle();
    await service.whenIdle();
    await service.stop();
    const done = await eventsOfType(store.events('ws'), 'map.done');
    assert.deepEqual(done.map((e) => e.data), [{ count: 1000, last: 'r999' }], 'counting the copies would fire at r849');
    assert.equal((await store.getTrigger('ws', 'join')), undefined, 'the transient join is gone');
    assert.equal((await store.getTrigger('ws', 'watch'))?.fired, 1, 'the published event reached the chained trigger once');
    assert.deepEqual((await store.events('ws').info()).groups.find((g) => g.name === 'falco-triggers')?.pending, 0);
  });

  it('loses nothing and counts nothing twice when the service dies between applying a batch and committing it', async () => {
    const { store, workspaces } = await workspace([join(1000)]);
    await workspaces.publish('ws', Array.from({ length: 1000 }, (_, n) => result(n)));
    const doomed = await TriggerService.start({ store: crashingAfter(store, 3), workspace: 'ws', batchSize: 100 });
    await assert.rejects(doomed.done, FatalError);
    const committed = ((await store.getTrigger('ws', 'join'))!.context.join as { count: number }).count;
    assert.ok(committed > 0 && committed < 1000, `some batches were committed, not all (${committed})`);
    const restarted = await TriggerService.start({ store, workspace: 'ws', batchSize: 100 });
    await restarted.whenIdle();
    await restarted.stop();
    assert.deepEqual((await eventsOfType(store.events('ws'), 'map.done')).map((e) => e.data), [{ count: 1000, last: 'r999' }]);
  });

  it('takes N from an event for a dynamic fan-out', async () => {
    const { store, workspaces } = await workspace([join()]);
    const service = await TriggerService.start({ store, workspace: 'ws' });
    await workspaces.publish('ws', [result(1), result(2), { id: 'n', source: 'test', type: 'falco.join.expected', data: { expected: 3 } }]);
    await service.whenIdle();
    assert.equal((await eventsOfType(store.events('ws'), 'map.done')).length, 0);
    await workspaces.publish('ws', [result(3)]);
    await service.whenIdle();
    await service.stop();
    assert.deepEqual((await eventsOfType(store.events('ws'), 'map.done')).map((e) => e.data), [{ count: 3, last: 'r3' }]);
  });

  it('sends a malformed event and one a condition throws on to the dead-letter stream, and applies the others', async () => {
    const { store, workspaces } = await workspace([join(3)]);
    const service = await TriggerService.start({ store, workspace: 'ws' });
    await store.events('ws').publish([makeEvent(result(1)), { ...makeEvent(result(9)), id: '' }, makeEvent({ id: 'bad-n', source: 't', type: 'falco.join.expected', data: { expected: -1 } })]);
    await workspaces.publish('ws', [result(2), result(3)]);
    await service.whenIdle();
    await service.stop();
    const dead = (await store.events('ws').deadLetters()).sort((a, b) => a.reason.localeCompare(b.reason));
    assert.deepEqual(dead.map((d) => [d.fields.type, d.group]), [['falco.invocation.succeeded', 'falco-triggers'], ['falco.join.expected', 'falco-triggers']]);
    assert.match(dead[0]!.reason, /no "id"/);
    assert.match(dead[1]!.reason, /trigger "join": condition "join" threw on event "bad-n": .*expected is -1/);
    assert.deepEqual((await eventsOfType(store.events('ws'), 'map.done')).map((e) => e.data), [{ count: 3, last: 'r3' }], 'the bad events did not stop or skew the join');
  });

  it('fires timers from the store, also after the service that set them stopped', async () => {
    const registry = createRegistry().action({
      name: 'arm',
      options: z.object({ ms: z.number() }),
      run: (call) => call.setTimer({ id: 'deadline', dueAt: Date.now() + call.options.ms, event: makeEvent({ id: `timeout/${call.entryId}`, source: 'test', type: 'deadline.passed' }) }),
    });
    const store = new MemoryWorkspaceStore();
    const workspaces = new Workspaces(store, { registry });
    await workspaces.create('ws');
    await workspaces.addTriggers('ws', [
      { id: 'arm', activation: [{ type: 'start' }], condition: { name: 'true' }, action: { name: 'arm', options: { ms: 200 } } },
      { id: 'late', activation: [{ type: 'deadline.passed' }], condition: { name: 'true' }, action: { name: 'terminate', options: { reason: 'deadline' } } },
    ]);
    const first = await TriggerService.start({ store, workspace: 'ws', registry });
    await workspaces.publish('ws', [{ id: 's', source: 'test', type: 'start' }]);
    await first.whenIdle();
    await first.stop();
    assert.equal((await eventsOfType(store.events('ws'), 'falco.workflow.terminated')).length, 0, 'not due yet');
    const second = await TriggerService.start({ store, workspace: 'ws', registry });
    await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.workflow.terminated')).length === 1, 'the timer fired');
    await second.stop();
    assert.deepEqual((await eventsOfType(store.events('ws'), 'falco.workflow.terminated'))[0]!.data, { workspace: 'ws', trigger: 'late', reason: 'deadline' });
  });

  it('times out a watched stream: each activating event resets one timer in the store, due from the event\'s own time', async () => {
    const store = new MemoryWorkspaceStore();
    const workspaces = new Workspaces(store);
    await workspaces.create('ws');
    await workspaces.addTriggers('ws', [
      { id: 'watchdog', activation: [{ type: 'beat' }], condition: { name: 'true' }, action: { name: 'timeout', options: { seconds: 1 } }, transient: false },
      { id: 'alarm', activation: [{ type: 'falco.trigger.timeout' }], condition: { name: 'counter', options: { threshold: 1 } }, action: { name: 'pass' }, transient: false },
    ]);
    const service = await TriggerService.start({ store, workspace: 'ws' });
    // The first beat's timer is long overdue, but the second, in the same batch, replaces it.
    const longAgo = new Date(Date.now() - 60_000).toISOString();
    await workspaces.publish('ws', [
      { id: 'beat-1', source: 'test', type: 'beat', time: longAgo },
      { id: 'beat-2', source: 'test', type: 'beat', time: new Date().toISOString() },
    ]);
    await eventually(async () => (await eventsOfType(store.events('ws'), 'falco.trigger.timeout')).length === 1, 'the timeout fired');
    await service.whenIdle();
    await service.stop();
    const [timeout] = await eventsOfType(store.events('ws'), 'falco.trigger.timeout');
    assert.deepEqual(timeout!.data, { seconds: 1, after: 'beat-2' });
    assert.equal(timeout!.subject, 'watchdog');
    assert.equal((await store.getTrigger('ws', 'alarm'))?.context.counter, 1, 'one timeout, not one per beat');
  });

  it('sees a trigger added while it runs before any event published after it', async () => {
    const { store, workspaces } = await workspace([watch]);
    const service = await TriggerService.start({ store, workspace: 'ws', refreshMs: 3_600_000 });
    await workspaces.addTriggers('ws', [join(1)]);
    await workspaces.publish('ws', [result(1)]);
    await service.whenIdle();
    await service.stop();
    assert.equal((await eventsOfType(store.events('ws'), 'map.done')).length, 1);
  });

  it('refuses a workspace that does not exist, and stops when its signal aborts', async () => {
    const store = new MemoryWorkspaceStore();
    await assert.rejects(TriggerService.start({ store, workspace: 'nope' }), (e: unknown) => e instanceof WorkspaceNotFoundError && /"nope" does not exist/.test(e.message));
    await assert.rejects(new Workspaces(store).addTriggers('nope', [watch]), WorkspaceNotFoundError);
    await store.createWorkspace('ws');
    const controller = new AbortController();
    const service = await TriggerService.start({ store, workspace: 'ws', signal: controller.signal, blockMs: 60_000 });
    controller.abort();
    await service.done;
  });
});
