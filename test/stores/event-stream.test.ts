import { after, before, describe } from 'node:test';
import { randomUUID } from 'node:crypto';
import { MemoryEventStream } from '../../stores/index.js';
import { openRedis, RedisEventStream, type RedisClient } from '../../stores/redis/index.js';
import { flatten } from '../../stores/redis/event-stream.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { eventStreamContract } from './event-stream-contract.js';

describe('event stream contract: memory', () => {
  eventStreamContract({
    open: async () => new MemoryEventStream(),
    reopen: async (stream) => stream,
  });
});

describe('event stream contract: Redis', { skip: redisUnavailable() }, () => {
  let redis: RedisServer;
  let client: RedisClient;
  before(async () => {
    redis = await startRedis();
    client = await openRedis({ url: redis.url });
  });
  after(async () => {
    client.destroy();
    await redis.stop();
  });
  eventStreamContract({
    open: () => RedisEventStream.open({ url: redis.url, key: `falco:{t}:${randomUUID()}` }),
    reopen: async (stream) => {
      await stream.close();
      return RedisEventStream.open({ url: redis.url, key: stream.name });
    },
    appendForeign: async (stream, fields) => {
      await client.sendCommand(['XADD', stream.name, '*', ...flatten(fields)]);
    },
  });
});
