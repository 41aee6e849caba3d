import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { FileWorkspaceStore } from '../../stores/file/index.js';
import { MemoryWorkspaceStore } from '../../stores/memory/index.js';
import { RedisWorkspaceStore } from '../../stores/redis/index.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { suiteRedis } from './suite-redis.js';
import type { WorkspaceBackend } from './workspace-store-contract.js';

/** A memory store lives as long as the object: "reopening" is going on with it. */
export function memoryBackend(): WorkspaceBackend {
  return { open: async () => new MemoryWorkspaceStore(), reopen: async (store) => store };
}

/** File stores, each in its own directory of the suite's temporary one; reopened on the same directory. Call inside `describe`. */
export function fileBackend(prefix: string): WorkspaceBackend {
  const dir = suiteTempDir(prefix);
  const dirs = new WeakMap<object, string>();
  const openOn = (path: string) => {
    const store = new FileWorkspaceStore({ dir: path });
    dirs.set(store, path);
    return store;
  };
  return {
    open: async () => openOn(join(dir(), randomUUID())),
    reopen: async (store) => {
      await store.close();
      return openOn(dirs.get(store)!);
    },
  };
}

/** Redis stores on the suite's redis-server; reopened as a new connection. Call inside `describe`. */
export function redisBackend(): WorkspaceBackend {
  const redis = suiteRedis();
  return {
    open: async () => new RedisWorkspaceStore({ url: redis.server().url }),
    reopen: async (store) => {
      await store.close();
      return new RedisWorkspaceStore({ url: redis.server().url });
    },
  };
}
