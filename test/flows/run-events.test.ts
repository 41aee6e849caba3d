import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SequentialExecutor } from '../../executors/index.js';
import { attachEventSink, TriggerService, Workspaces } from '../../flows/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { deployable } from '../../src/index.js';
import { MemoryEventStream, MemoryWorkspaceStore, type EventSink, type FalcoEvent } from '../../stores/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';

const halve = deployable({ runtime: 'nodejs:20', name: 'halve', code: { source: 'function main(args) { if (args.n === 3) throw new Error("three"); return { half: args.n / 2 }; }' } });

async function all(stream: MemoryEventStream): Promise<FalcoEvent[]> {
  const reader = await stream.consumer(`reader-${Math.random()}`, 'r', { start: '0' });
  return (await reader.read({ max: 10_000, blockMs: 0 })).map((d) => d.event);
}

describe('run events', () => {
  const platform = new LocalPlatform();
  after(() => platform.close());

  it('publishes a real run as CloudEvents, with ids that are the same when the same facts are published again', async () => {
    const stream = new MemoryEventStream();
    const publishes: number[] = [];
    const sink: EventSink = { publish: (events) => (publishes.push(events.length), stream.publish(events)), close: async () => {} };
    const runOnce = async () => {
      const driver = new PlanDriver([{ id: 'map', invocations: inputs(5) }], halve);
      const attached = attachEventSink(driver, sink);
      await driver.run({ platform, executor: new SequentialExecutor(), runId: 'r1' });
      await attached.detach();
    };
    await runOnce();
    const events = await all(stream);
    assert.deepEqual(
      events.map((e) => [e.type, e.subject, e.id]),
      [
        ...[0, 1, 2, 3, 4].map((n) => [n === 3 ? 'falco.invocation.failed' : 'falco.invocation.succeeded', `r1/map/i${n}`, `r1/map/i${n}/1`]),
        ['falco.phase.ended', 'r1/map', 'r1/map/ended'],
        ['falco.run.ended', 'r1', 'r1/ended'],
      ],
    );
    assert.deepEqual(events[1]!.data, { run: 'r1', phase: 'map', invocation: 'i1', status: 'succeeded', attempts: 1, output: { half: 0.5 } });
    assert.match(JSON.stringify(events[3]!.data), /"status":"failed".*"three"/);
    assert.deepEqual((events[5]!.data as { counts: object }).counts, { succeeded: 4, failed: 1, aborted: 0 });
    assert.ok(publishes.every((n) => n <= 500) && publishes.length < events.length, `events are batched per tick (${publishes.join(', ')})`);
    await runOnce();
    const twice = await all(stream);
    assert.deepEqual(twice.slice(7).map((e) => e.id), events.map((e) => e.id));
  });

  it('feeds a trigger service: a join over the run\'s invocations fires when they have all ended', async () => {
    const store = new MemoryWorkspaceStore();
    const workspaces = new Workspaces(store);
    await workspaces.create('ws');
    await workspaces.addTriggers('ws', [
      { id: 'ended', activation: [{ type: 'falco.invocation.', subject: 'r2/map/', match: 'prefix' }], condition: { name: 'join', options: { n: 20 } }, action: { name: 'publish', options: { type: 'map.ended' } } },
    ]);
    const service = await TriggerService.start({ store, workspace: 'ws' });
    const driver = new PlanDriver([{ id: 'map', invocations: inputs(20) }], halve);
    const attached = attachEventSink(driver, store.events('ws'));
    await driver.run({ platform, executor: new SequentialExecutor(), runId: 'r2' });
    await attached.detach();
    await service.whenIdle();
    await service.stop();
    const events = await all(store.events('ws'));
    assert.equal(events.filter((e) => e.type === 'map.ended').length, 1);
  });

  it('rejects flush with the error of a publish that failed', async () => {
    const driver = new PlanDriver([{ id: 'map', invocations: inputs(2) }], halve);
    const attached = attachEventSink(driver, { publish: async () => { throw new Error('sink down'); }, close: async () => {} });
    await driver.run({ platform, executor: new SequentialExecutor(), runId: 'r3' });
    await assert.rejects(attached.detach(), /sink down/);
  });
});
