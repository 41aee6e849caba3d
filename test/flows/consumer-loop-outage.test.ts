import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerLoop } from '../../flows/triggers/consumer-loop.js';
import type { FalcoEvent } from '../../stores/index.js';
import { RedisWorkspaceStore } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteRedis } from '../stores/suite-redis.js';
import { eventually } from './stream-reading.js';

const event = (id: string): FalcoEvent => ({ specversion: '1.0', id, source: 'test', type: 't' });

describe('a consumer loop through a Redis outage', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();

  it('keeps opening its consumer while Redis is away, and reads again once it is back', async () => {
    const server = redis.server();
    // One reconnect: the clients give up at once, so the loop's reopen fails while Redis is down.
    const store = new RedisWorkspaceStore({ url: server.url, maxReconnects: 1 });
    await store.createWorkspace('w');
    const stream = store.events('w');
    const open = () => stream.consumer('g', 'c', { start: '0' });
    const handled: string[] = [];
    const errors: unknown[] = [];
    const loop: ConsumerLoop = new ConsumerLoop(
      await open(),
      {
        open,
        handle: async (deliveries) => {
          handled.push(...deliveries.map((delivery) => delivery.event.id));
          await loop.consumer.ack(deliveries.map((delivery) => delivery.entryId));
        },
      },
      { blockMs: 20, onError: (error) => errors.push(error) },
    );
    try {
      await stream.publish([event('before')]);
      await eventually(async () => handled.includes('before'), 'the event before the outage is handled');
      await server.kill();
      // The read fails, then at least one reopen does.
      await eventually(async () => errors.length >= 2, 'the loop saw the outage');
      await server.restart();
      await eventually(async () => {
        try {
          await stream.publish([event('after')]);
          return true;
        } catch {
          return false;
        }
      }, 'Redis takes events again');
      await eventually(async () => handled.includes('after'), 'the event after the outage is handled by the same loop');
      assert.deepEqual(handled, ['before', 'after']);
    } finally {
      await loop.stop();
      await store.close();
    }
  });
});
