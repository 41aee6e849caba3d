import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe } from 'node:test';
import { FileWorkspaceStore } from '../../stores/file/index.js';
import { MemoryWorkspaceStore } from '../../stores/memory/index.js';
import { RedisWorkspaceStore } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { guardedCheckpointContract } from './guarded-checkpoint-contract.js';
import { suiteRedis } from './suite-redis.js';

describe('named streams and guarded checkpoints: memory', () => {
  // A memory store lives as long as the object: "reopening" is going on with it.
  guardedCheckpointContract({ open: async () => new MemoryWorkspaceStore(), reopen: async (store) => store });
});

describe('named streams and guarded checkpoints: file', () => {
  const dir = suiteTempDir('falco-guarded-');
  const dirs = new WeakMap<object, string>();
  const openOn = (path: string) => {
    const store = new FileWorkspaceStore({ dir: path });
    dirs.set(store, path);
    return store;
  };
  guardedCheckpointContract({
    open: async () => openOn(join(dir(), randomUUID())),
    reopen: async (store) => {
      await store.close();
      return openOn(dirs.get(store)!);
    },
  });
});

describe('named streams and guarded checkpoints: Redis', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();
  guardedCheckpointContract({
    open: async () => new RedisWorkspaceStore({ url: redis.server().url }),
    reopen: async (store) => {
      await store.close();
      return new RedisWorkspaceStore({ url: redis.server().url });
    },
  });
});
