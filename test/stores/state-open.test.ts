import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { FileStateManager, MemoryStateManager, openStateManager } from '../../stores/index.js';
import { RedisStateManager } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { suiteRedis } from './suite-redis.js';

describe('openStateManager', () => {
  const dir = suiteTempDir('falco-open-state-');

  it('opens memory: and file:DIR, and refuses what it does not know', async () => {
    assert.ok((await openStateManager('memory:')) instanceof MemoryStateManager);
    const file = await openStateManager(`file:${join(dir(), 'a')}`);
    assert.ok(file instanceof FileStateManager && file.dir === join(dir(), 'a'));
    await file.set('r1', 'k', 1);
    assert.equal(await (await openStateManager(`file://${join(dir(), 'a')}`)).get('r1', 'k'), 1, 'file:///abs/dir names the same directory');
    await assert.rejects(openStateManager('s3://bucket'), (error: Error) => error instanceof ConfigError && /unknown state manager "s3:": use redis:\/\/host:port, file:DIR or memory:/.test(error.message));
  });

  describe('redis://', { skip: redisUnavailable() }, () => {
    const redis = suiteRedis();
    it('opens a Redis state manager on the server named', async () => {
      const state = await openStateManager(redis.server().url);
      assert.ok(state instanceof RedisStateManager);
      await state.set('r1', 'k', 'v');
      assert.equal(await redis.client().sendCommand(['HGET', 'falco:state:{r1}', 'v:k']), '"v"');
      await state.close();
    });
  });
});
