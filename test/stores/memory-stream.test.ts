import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, MemoryEventStream } from '../../stores/index.js';

const event = (n: number) => makeEvent({ id: `e${n}`, source: 'test', type: 'test.tick', data: { n } });

describe('memory event stream', () => {
  it('hands each entry to one consumer of a group, and again to a restarted consumer that never acked it', async () => {
    const stream = new MemoryEventStream();
    await stream.publish([event(1), event(2), event(3)]);
    const a = await stream.consumer('g', 'a', { start: '0' });
    const first = await a.read({ max: 2, blockMs: 0 });
    assert.deepEqual(first.map((d) => d.event.id), ['e1', 'e2']);
    await a.ack([first[0]!.entryId]);
    const b = await stream.consumer('g', 'b');
    assert.deepEqual((await b.read({ blockMs: 0 })).map((d) => d.event.id), ['e3']);
    const again = await stream.consumer('g', 'a');
    const redelivered = await again.read({ blockMs: 0 });
    assert.deepEqual(redelivered.map((d) => [d.event.id, d.deliveries]), [['e2', 2]]);
  });

  it('moves an entry past the delivery cap to the dead-letter list, and trims what every group acked', async () => {
    const stream = new MemoryEventStream();
    await stream.publish([event(1), event(2)]);
    const options = { start: '0' as const, visibilityTimeoutMs: 0, maxDeliveries: 2 };
    const consumer = await stream.consumer('g', 'a', options);
    const [one, two] = await consumer.read({ blockMs: 0 });
    await consumer.ack([two!.entryId]);
    assert.equal((await consumer.read({ blockMs: 0 }))[0]?.deliveries, 2);
    assert.deepEqual(await consumer.read({ blockMs: 0 }), []);
    const dead = await stream.deadLetters();
    assert.deepEqual(dead.map((d) => [d.entryId, d.fields.id, d.deliveries]), [[one!.entryId, 'e1', 2]]);
    assert.equal(await stream.trim(), 2);
    assert.equal((await stream.info()).length, 0);
  });

  it('wakes a blocked read when an event is published', async () => {
    const stream = new MemoryEventStream();
    const consumer = await stream.consumer('g', 'a');
    const read = consumer.read({ blockMs: 10_000 });
    await stream.publish([event(7)]);
    assert.deepEqual((await read).map((d) => d.event.data), [{ n: 7 }]);
  });
});
