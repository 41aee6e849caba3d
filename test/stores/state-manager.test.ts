import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { EmbeddedState, FileStateManager, MemoryStateManager } from '../../stores/index.js';
import { RedisStateManager, stateKey } from '../../stores/redis/index.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { stateManagerContract } from './state-contract.js';
import { crossProcessContract } from './state-processes.js';
import { suiteRedis } from './suite-redis.js';

describe('state manager contract: memory', () => {
  stateManagerContract({ open: async () => new MemoryStateManager() });
});

describe('state manager contract: embedded', () => {
  stateManagerContract({ open: async () => new EmbeddedState() });
});

describe('state manager contract: file', () => {
  const root = suiteTempDir('falco-file-state-');
  const dirs = new WeakMap<object, string>();
  const openOn = (dir: string) => {
    const state = new FileStateManager({ dir });
    dirs.set(state, dir);
    return state;
  };
  stateManagerContract({
    open: async () => openOn(join(root(), randomUUID())),
    reopen: async (state) => {
      await state.close();
      return openOn(dirs.get(state)!);
    },
  });
  crossProcessContract(() => `file:${join(root(), 'shared')}`);
});

describe('state manager contract: Redis', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();
  before(async () => {
    // The harness syncs every write to disk for crash tests; none here needs it.
    await redis.client().sendCommand(['CONFIG', 'SET', 'appendfsync', 'everysec']);
  });
  stateManagerContract({
    open: async () => new RedisStateManager({ url: redis.server().url }),
    reopen: async (state) => {
      await state.close();
      return new RedisStateManager({ url: redis.server().url });
    },
  });
  crossProcessContract(() => redis.server().url);

  it('keeps a request in one hash whose TTL every write sets afresh', async () => {
    const state = new RedisStateManager({ url: redis.server().url });
    const key = stateKey('r-ttl');
    await state.init('r-ttl', { ttlMs: 60_000 });
    await state.set('r-ttl', 'k', { b: 1, a: 2 });
    assert.deepEqual(await redis.client().sendCommand(['HGETALL', key]), ['ttl', '60000', 'v:k', '{"a":2,"b":1}']);
    for (const write of [() => state.set('r-ttl', 'k', 1), () => state.incr('r-ttl', 'n'), () => state.compareAndSet('r-ttl', 'k', 1, 2), () => state.del('r-ttl', 'n')]) {
      await redis.client().sendCommand(['PEXPIRE', key, '1000']);
      await write();
      assert.ok((await redis.client().sendCommand<number>(['PTTL', key])) > 1_000, 'the write refreshed the TTL');
    }
    await state.cleanup('r-ttl');
    assert.equal(await redis.client().sendCommand(['EXISTS', key]), 0);
    await state.close();
  });
});
