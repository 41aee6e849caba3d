import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from '@redis/client';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';

const skip = redisUnavailable();

describe('the Redis test harness', { skip }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  it('keeps what was written through a SIGKILL, replayed from the append-only file', async () => {
    const client = await createClient({ url: redis.url }).connect();
    await client.xAdd('s', '*', { specversion: '1.0', id: 'e1', source: 'test', type: 't' });
    client.destroy();
    const pid = redis.pid;
    await redis.kill();
    assert.throws(() => process.kill(pid, 0));
    await redis.restart();
    const again = await createClient({ url: redis.url }).connect();
    assert.equal(await again.xLen('s'), 1);
    again.destroy();
  });
});
