import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { compareEntryIds, createRegistry, TriggerDefinitionError, TriggerEngine, type BatchOutcome } from '../../flows/index.js';
import { makeEvent, type Delivery, type FalcoEvent, type TriggerRecord, type TriggerSpec } from '../../stores/index.js';

const result = (n: number, id = `r${n}`): FalcoEvent => makeEvent({ id, source: 'test', type: 'falco.invocation.succeeded', subject: `run/map/${n}`, data: { n } });
const deliveries = (events: FalcoEvent[], first = 1): Delivery[] => events.map((event, i) => ({ event, entryId: `1000-${first + i}`, deliveries: 1 }));
const record = (spec: TriggerSpec): TriggerRecord => ({ spec, context: spec.context ?? {}, fired: 0 });
const joinSpec = (options: Record<string, number>): TriggerSpec => ({
  id: 'join',
  activation: [{ type: 'falco.invocation.succeeded', subject: 'run/map/', match: 'prefix' }, { type: 'falco.join.expected' }],
  condition: { name: 'join', options },
  action: { name: 'publish', options: { type: 'map.done', subject: '{{workspace}}', data: { count: '{{context.join.count}}' } } },
});

function engineWith(...specs: TriggerSpec[]): TriggerEngine {
  const engine = new TriggerEngine('ws', createRegistry());
  engine.load(specs.map(record), {});
  return engine;
}

function committed(outcome: BatchOutcome) {
  assert.ok(outcome.checkpoint, `the batch was poisoned: ${outcome.poisoned?.reason}`);
  return outcome.checkpoint;
}

describe('trigger engine', () => {
  it('fires a 1,000-way join exactly once, on the 1,000th distinct event, with one checkpoint per batch', () => {
    const engine = engineWith(joinSpec({ n: 1000 }));
    const events = Array.from({ length: 1000 }, (_, n) => result(n));
    const first = committed(engine.apply(deliveries(events.slice(0, 999)), 'g'));
    assert.deepEqual(first.events, []);
    assert.equal(first.ack?.entryIds.length, 999);
    assert.equal((first.triggers[0]!.context.join as { count: number }).count, 999);
    const last = committed(engine.apply(deliveries(events.slice(999), 1000), 'g'));
    assert.deepEqual(last.events.map((e) => [e.type, e.data]), [['map.done', { count: 1000 }]]);
    assert.deepEqual(last.removed, ['join']);
    assert.equal(engine.size, 0);
  });

  it('skips an entry at or before a trigger\'s last applied entry and never counts an event id twice', () => {
    const engine = engineWith(joinSpec({ n: 3 }));
    committed(engine.apply(deliveries([result(1), result(2)]), 'g'));
    const again = committed(engine.apply([...deliveries([result(1), result(2)]), ...deliveries([result(2, 'r2')], 5)], 'g'));
    assert.deepEqual(again.triggers.map((t) => [t.lastEntryId, (t.context.join as { count: number }).count]), [['1000-5', 2]], 'neither a redelivered entry nor a republished id counts');
    assert.equal(again.ack?.entryIds.length, 3, 'yet every entry is acknowledged');
    assert.deepEqual(committed(engine.apply(deliveries([result(3)], 9), 'g')).removed, ['join']);
    const proto = engineWith(joinSpec({ n: 2 }));
    const twice = committed(proto.apply(deliveries([result(1, '__proto__'), result(2, '__proto__')]), 'g'));
    assert.deepEqual([twice.removed, twice.triggers[0]?.context.join], [[], { seen: JSON.parse('{"__proto__":true}'), count: 1 }], 'an id like "__proto__" is counted once too');
  });

  it('takes a dynamic N from an event of type falco.join.expected, before or after the events it counts', () => {
    const expected = (n: number) => makeEvent({ id: 'expected', source: 'test', type: 'falco.join.expected', data: { expected: n } });
    const before = engineWith(joinSpec({}));
    assert.deepEqual(committed(before.apply(deliveries([expected(2), result(1), result(2)]), 'g')).removed, ['join']);
    const after = engineWith(joinSpec({}));
    assert.deepEqual(committed(after.apply(deliveries([result(1), result(2)]), 'g')).removed, []);
    assert.deepEqual(committed(after.apply(deliveries([expected(2)], 3), 'g')).removed, ['join']);
    const bad = engineWith(joinSpec({})).apply(deliveries([makeEvent({ id: 'x', source: 't', type: 'falco.join.expected', data: { expected: 'lots' } })]), 'g');
    assert.match(bad.poisoned?.reason ?? '', /trigger "join": condition "join" threw on event "x": .*data.expected is "lots"/);
  });

  it('does not count a redelivered entry again, though a counter counts events, not ids', () => {
    const engine = engineWith({ id: 'c', activation: [{ type: 'tick' }], condition: { name: 'counter', options: { threshold: 99 } }, action: { name: 'pass' } });
    const ticks = deliveries([1, 2, 3].map((n) => makeEvent({ id: `t${n}`, source: 't', type: 'tick' })));
    committed(engine.apply(ticks, 'g'));
    const redelivered = committed(engine.apply([ticks[1]!, ticks[2]!], 'g'));
    assert.deepEqual(redelivered.triggers, []);
    assert.deepEqual(redelivered.ack?.entryIds, [ticks[1]!.entryId, ticks[2]!.entryId], 'acknowledged all the same');
    const next = committed(engine.apply(deliveries([makeEvent({ id: 't1', source: 't', type: 'tick' })], 4), 'g'));
    assert.equal(next.triggers[0]?.context.counter, 4, 'a new entry counts, even with an id seen before');
  });

  it('counts to a threshold, again and again with reset', () => {
    const engine = engineWith({ id: 'c', activation: [{ type: 'tick' }], condition: { name: 'counter', options: { threshold: 2, reset: true } }, action: { name: 'pass' }, transient: false });
    const ticks = Array.from({ length: 5 }, (_, n) => makeEvent({ id: `t${n}`, source: 't', type: 'tick' }));
    const checkpoint = committed(engine.apply(deliveries(ticks), 'g'));
    assert.deepEqual(checkpoint.triggers.map((t) => [t.fired, t.context.counter]), [[2, 1]]);
  });

  it('matches exact and prefix filters through the index, each trigger once, among 10,000 triggers', () => {
    const specs: TriggerSpec[] = Array.from({ length: 10_000 }, (_, n) => ({
      id: `t${n}`,
      activation: [{ type: 'falco.invocation.succeeded', subject: `run/map/${n}` }],
      condition: { name: 'true' },
      action: { name: 'pass' },
    }));
    specs.push({ id: 'both', activation: [{ type: 'falco.invocation.', match: 'prefix' }, { type: 'falco.invocation.succeeded', subject: 'run/map/7' }], condition: { name: 'true' }, action: { name: 'pass' } });
    const engine = engineWith(...specs);
    const checkpoint = committed(engine.apply(deliveries([result(7), result(9)]), 'g'));
    assert.deepEqual(checkpoint.removed, ['t7', 'both', 't9']);
  });

  it('dead-letters a malformed event and applies the rest', () => {
    const engine = engineWith(joinSpec({ n: 2 }));
    const broken = { ...result(5), id: '' };
    const outcome = engine.apply(deliveries([result(1), broken, result(2)]), 'g');
    assert.deepEqual(outcome.malformed?.map((m) => m.reason), ['the event has no "id": every CloudEvent needs id, source, type']);
    assert.deepEqual(committed(outcome).ack?.entryIds, ['1000-1', '1000-3']);
    assert.deepEqual(committed(outcome).removed, ['join']);
  });

  it('refuses an unknown condition or action and bad options, naming the trigger, the name and what is registered', () => {
    const registry = createRegistry();
    const spec = (condition: string, action: string, options?: Record<string, number>): TriggerSpec => ({ id: 'bad', activation: [{ type: 't' }], condition: { name: condition, ...(options ? { options } : {}) }, action: { name: action } });
    assert.throws(() => registry.resolve(spec('jion', 'pass')), (e: unknown) => e instanceof TriggerDefinitionError && /trigger "bad": no condition named "jion" is registered; use one of true, join, counter/.test(e.message));
    assert.throws(() => registry.resolve(spec('true', 'invoek')), /no action named "invoek" is registered; use one of pass, publish, terminate, invoke/);
    assert.throws(() => registry.resolve(spec('counter', 'pass', { threshold: -1 })), /trigger "bad": the options of condition "counter" are wrong: "threshold": /);
    assert.throws(() => registry.resolve({ ...spec('true', 'publish'), action: { name: 'publish', options: { type: '{{evnt.type}}' } } }), /placeholder "\{\{evnt.type\}\}" starts at "evnt"/);
    assert.throws(() => registry.resolve({ ...spec('true', 'invoke'), action: { name: 'invoke', options: {} } }), /give exactly one of "deployable"/);
  });

  it('runs a condition a user registered, with its own options schema', () => {
    const registry = createRegistry().condition({
      name: 'above',
      options: z.object({ limit: z.number() }),
      test: ({ event, options }) => (event.data as { n: number }).n > options.limit,
    });
    const engine = new TriggerEngine('ws', registry);
    engine.load([record({ id: 'big', activation: [{ type: 'falco.invocation.succeeded' }], condition: { name: 'above', options: { limit: 5 } }, action: { name: 'pass' } })], {});
    assert.deepEqual(committed(engine.apply(deliveries([result(3), result(8)]), 'g')).removed, ['big']);
  });

  it('orders stream entry ids as numbers', () => {
    assert.ok(compareEntryIds('999-5', '1000-0') < 0);
    assert.ok(compareEntryIds('1000-10', '1000-9') > 0);
    assert.equal(compareEntryIds('7-1', '7-1'), 0);
    assert.ok(compareEntryIds('9', '10') < 0);
  });
});
