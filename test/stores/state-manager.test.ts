import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { before, describe } from 'node:test';
import { EmbeddedState, FileStateManager, MemoryStateManager } from '../../stores/index.js';
import { RedisStateManager } from '../../stores/redis/index.js';
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
});
