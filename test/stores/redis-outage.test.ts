import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStateManager, RedisUnavailableError, RedisWorkflowLog, RedisWorkspaceStore } from '../../stores/redis/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';

const skip = redisUnavailable();

/** Retries `attempt` until it resolves; the error of the last try if none did within `ms`. */
async function once<T>(attempt: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe('Redis stores through an outage longer than their reconnects', { skip }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  it('fail while Redis is away, with RedisUnavailableError, and work again once it is back', async () => {
    // One reconnect: the clients give up at once, as they do after ten when a restart takes longer than those last.
    const options = { url: redis.url, maxReconnects: 1 };
    const store = new RedisWorkspaceStore(options);
    const state = new RedisStateManager(options);
    const log = new RedisWorkflowLog(options);
    try {
      await store.createWorkspace('w');
      await store.events('w').publish([{ specversion: '1.0', id: 'e1', source: 'test', type: 't' }]);
      await state.init('r1');
      await state.set('r1', 'k', 1);
      await redis.kill();
      await assert.rejects(store.listWorkspaces(), (error: unknown) => error instanceof Error);
      await sleep(500);
      await assert.rejects(store.listWorkspaces(), RedisUnavailableError);
      await redis.restart();
      assert.deepEqual(await once(() => store.listWorkspaces()), ['w']);
      await once(() => store.events('w').publish([{ specversion: '1.0', id: 'e2', source: 'test', type: 't' }]));
      assert.equal(await once(() => state.get('r1', 'k')), 1);
      assert.deepEqual(await once(() => log.list()), []);
    } finally {
      await Promise.all([store.close(), state.close(), log.close()]);
    }
  });
});
