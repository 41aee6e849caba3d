import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { makeEvent, type EventStream } from '../../stores/index.js';

/** One backend under the event stream contract. */
export interface StreamBackend {
  /** A new, empty stream. */
  open(): Promise<EventStream>;
  /** The same stream opened again, as a restarted process would (the memory backend hands back the same object). */
  reopen(stream: EventStream): Promise<EventStream>;
  /**
   * Appends entries with these flat fields as a foreign producer would; returns the stream to go on
   * with (opened again, where only a restart reads them). Absent where the backend can hold no such entry.
   */
  appendForeign?(stream: EventStream, entries: ReadonlyArray<Record<string, string>>): Promise<EventStream>;
}

const event = (n: number) => makeEvent({ id: `e${n}`, source: 'test', type: 'test.tick', subject: `run/p/${n}`, data: { n } });
const ids = (deliveries: ReadonlyArray<{ event: { id: string } }>) => deliveries.map((d) => d.event.id);

/** The behaviour every `EventStream` backend shares; call inside a `describe`. */
export function eventStreamContract(backend: StreamBackend): void {
  it('keeps every attribute of an event, and hands each entry to one consumer of a group and to every group', async () => {
    const stream = await backend.open();
    const sent = event(1);
    await stream.publish([sent, event(2), event(3)]);
    const a = await stream.consumer('g', 'a');
    const b = await stream.consumer('g', 'b');
    const first = await a.read({ max: 2, blockMs: 0 });
    assert.deepEqual(first[0]!.event, sent);
    assert.deepEqual(ids(first), ['e1', 'e2']);
    assert.deepEqual(ids(await b.read({ blockMs: 0 })), ['e3']);
    const other = await stream.consumer('h', 'a');
    assert.deepEqual(ids(await other.read({ blockMs: 0 })), ['e1', 'e2', 'e3']);
    const late = await stream.consumer('late', 'a', { start: '$' });
    await stream.publish([event(4)]);
    assert.deepEqual(ids(await late.read({ blockMs: 0 })), ['e4']);
    await stream.close();
  });

  it('gives a restarted consumer what it held and never acked, first, counting the delivery', async () => {
    let stream = await backend.open();
    await stream.publish([event(1), event(2), event(3)]);
    const a = await stream.consumer('g', 'a');
    const first = await a.read({ max: 2, blockMs: 0 });
    await a.ack([first[0]!.entryId]);
    stream = await backend.reopen(stream);
    const again = await stream.consumer('g', 'a');
    const redelivered = await again.read({ blockMs: 0 });
    assert.deepEqual(redelivered.map((d) => [d.event.id, d.deliveries]), [['e2', 2], ['e3', 1]]);
    await again.ack(redelivered.map((d) => d.entryId));
    assert.deepEqual(await again.read({ blockMs: 0 }), []);
    assert.deepEqual((await stream.info()).groups, [{ name: 'g', pending: 0 }]);
    await stream.close();
  });

  it('hands an entry a consumer held past the visibility timeout to another, and not before', async () => {
    const stream = await backend.open();
    await stream.publish([event(1), event(2)]);
    const a = await stream.consumer('g', 'a');
    assert.equal((await a.read({ blockMs: 0 })).length, 2);
    const patient = await stream.consumer('g', 'patient', { visibilityTimeoutMs: 600_000 });
    assert.deepEqual(await patient.read({ blockMs: 0 }), []);
    const eager = await stream.consumer('g', 'eager', { visibilityTimeoutMs: 5 });
    await sleep(20);
    const claimed = await eager.read({ blockMs: 0 });
    assert.deepEqual(claimed.map((d) => [d.event.id, d.deliveries]), [['e1', 2], ['e2', 2]]);
    await eager.ack(claimed.map((d) => d.entryId));
    assert.deepEqual((await stream.info()).groups, [{ name: 'g', pending: 0 }]);
    await stream.close();
  });

  it('moves an entry past the delivery cap to the dead-letter stream, acknowledged, with group, count and reason', async () => {
    const stream = await backend.open();
    await stream.publish([event(1), event(2)]);
    const consumer = await stream.consumer('g', 'a', { visibilityTimeoutMs: 0, maxDeliveries: 2 });
    const [one, two] = await consumer.read({ blockMs: 0 });
    await consumer.ack([two!.entryId]);
    assert.equal((await consumer.read({ blockMs: 0 }))[0]?.deliveries, 2);
    assert.deepEqual(await consumer.read({ blockMs: 0 }), []);
    const dead = await stream.deadLetters();
    assert.deepEqual(dead.map((d) => [d.entryId, d.fields.id, d.group, d.deliveries]), [[one!.entryId, 'e1', 'g', 2]]);
    assert.match(dead[0]!.reason, /2 times without an ack \(cap 2\)/);
    assert.deepEqual((await stream.info()).groups, [{ name: 'g', pending: 0 }]);
    await consumer.deadLetter([], 'nothing');
    await stream.close();
  });

  it('dead-letters a delivery the caller gives up on, with the caller\'s reason', async () => {
    const stream = await backend.open();
    await stream.publish([event(1)]);
    const consumer = await stream.consumer('g', 'a');
    await consumer.deadLetter(await consumer.read({ blockMs: 0 }), 'the action refused it');
    assert.deepEqual((await stream.deadLetters()).map((d) => [d.fields.id, d.fields.data, d.reason, d.deliveries]), [['e1', '{"n":1}', 'the action refused it', 1]]);
    assert.deepEqual((await stream.info()).groups, [{ name: 'g', pending: 0 }]);
    await stream.close();
  });

  it('trims what every group acknowledged, and nothing a group still needs', async () => {
    const stream = await backend.open();
    await stream.publish([event(1), event(2), event(3), event(4)]);
    const fast = await stream.consumer('fast', 'a');
    const slow = await stream.consumer('slow', 'a');
    const [f1, f2, f3, f4] = await fast.read({ blockMs: 0 });
    await fast.ack([f1!.entryId, f3!.entryId, f4!.entryId]);
    const [s1, s2] = await slow.read({ max: 2, blockMs: 0 });
    await slow.ack([s1!.entryId]);
    assert.equal(await stream.trim(), 1, 'e1 is acknowledged by both groups');
    assert.equal((await stream.info()).length, 3);
    await slow.ack([s2!.entryId]);
    assert.equal(await stream.trim(), 0, 'fast still holds e2');
    await fast.ack([f2!.entryId]);
    assert.equal(await stream.trim(), 1, 'e3 and e4 are still to be read by slow');
    assert.deepEqual(ids(await slow.read({ blockMs: 0 })), ['e3', 'e4']);
    await stream.close();
  });

  it('wakes a blocked read when an event is published, and returns nothing once the block runs out', async () => {
    const stream = await backend.open();
    const consumer = await stream.consumer('g', 'a');
    assert.deepEqual(await consumer.read({ blockMs: 30 }), []);
    const read = consumer.read({ blockMs: 20_000 });
    await sleep(10);
    await stream.publish([event(7)]);
    assert.deepEqual((await read).map((d) => d.event.data), [{ n: 7 }]);
    const controller = new AbortController();
    const aborted = consumer.read({ blockMs: 60_000, signal: controller.signal });
    controller.abort();
    assert.deepEqual(await aborted, []);
    await stream.close();
  });

  it('dead-letters foreign entries (no id, data not JSON) and passes the entries after them', { skip: backend.appendForeign ? false : 'this backend keeps the events it is given as objects: no foreign entry can reach it' }, async () => {
    const stream = await backend.appendForeign!(await backend.open(), [
      { specversion: '1.0', source: 's', type: 't', data: '{}' },
      { specversion: '1.0', id: 'bad', source: 's', type: 't', data: 'not json' },
      { specversion: '1.0', id: 'e1', source: 's', type: 't', data: '{"n":1}' },
    ]);
    const consumer = await stream.consumer('g', 'a');
    await stream.publish([event(2)]);
    assert.deepEqual(ids(await consumer.read({ blockMs: 0 })), ['e1', 'e2']);
    const dead = await stream.deadLetters();
    assert.deepEqual(dead.map((d) => d.fields.id), [undefined, 'bad']);
    assert.match(dead[0]!.reason, /no "id"/);
    assert.match(dead[1]!.reason, /data is not JSON/);
    assert.deepEqual((await stream.info()).groups, [{ name: 'g', pending: 2 }]);
    await stream.close();
  });
}
