import { after, before } from 'node:test';
import { openRedis, type RedisClient } from '../../stores/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

/** A redis-server (and a client on it) for the enclosing suite, stopped after it. Call inside `describe`. */
export function suiteRedis(): { server(): RedisServer; client(): RedisClient } {
  let server: RedisServer | undefined;
  let client: RedisClient | undefined;
  before(async () => {
    server = await startRedis();
    client = await openRedis({ url: server.url });
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });
  const running = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite Redis runs only while its tests run');
    return value;
  };
  return { server: () => running(server), client: () => running(client) };
}
