import { describe } from 'node:test';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryEventStream, type EventStream } from '../../stores/index.js';
import { FileEventStream } from '../../stores/file/index.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { RedisEventStream } from '../../stores/redis/index.js';
import { flatten } from '../../stores/redis/event-stream.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteRedis } from './suite-redis.js';
import { eventStreamContract } from './event-stream-contract.js';

describe('event stream contract: memory', () => {
  eventStreamContract({
    open: async () => new MemoryEventStream(),
    reopen: async (stream) => stream,
  });
});

describe('event stream contract: file', () => {
  const dir = suiteTempDir('falco-file-stream-');
  const reopen = async (stream: EventStream) => {
    await stream.close();
    return new FileEventStream(stream.name, join(dir(), `${stream.name}.jsonl`));
  };
  eventStreamContract({
    open: async () => {
      const name = randomUUID();
      return new FileEventStream(name, join(dir(), `${name}.jsonl`));
    },
    reopen,
    appendForeign: async (stream, entries) => {
      const lines = entries.map((f, n) => `${JSON.stringify({ a: `1-${n}`, f })}\n`);
      appendFileSync(join(dir(), `${stream.name}.jsonl`), lines.join(''));
      return reopen(stream);
    },
  });
});

describe('event stream contract: Redis', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();
  eventStreamContract({
    open: () => RedisEventStream.open({ url: redis.server().url, key: `falco:{t}:${randomUUID()}` }),
    reopen: async (stream) => {
      await stream.close();
      return RedisEventStream.open({ url: redis.server().url, key: stream.name });
    },
    appendForeign: async (stream, entries) => {
      for (const fields of entries) await redis.client().sendCommand(['XADD', stream.name, '*', ...flatten(fields)]);
      return stream;
    },
  });
});
