import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe } from 'node:test';
import { FileWorkspaceStore } from '../../stores/file/index.js';
import { RedisWorkspaceStore } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteRedis } from './suite-redis.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { workspaceStoreContract } from './workspace-store-contract.js';

describe('workspace store contract: file', () => {
  const dir = suiteTempDir('falco-file-store-');
  const dirs = new WeakMap<object, string>();
  const openOn = (path: string) => {
    const store = new FileWorkspaceStore({ dir: path });
    dirs.set(store, path);
    return store;
  };
  workspaceStoreContract({
    open: async () => openOn(join(dir(), randomUUID())),
    reopen: async (store) => {
      await store.close();
      return openOn(dirs.get(store)!);
    },
  });
});

describe('workspace store contract: Redis', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();
  workspaceStoreContract({
    open: async () => new RedisWorkspaceStore({ url: redis.server().url }),
    reopen: async (store) => {
      await store.close();
      return new RedisWorkspaceStore({ url: redis.server().url });
    },
  });
});
