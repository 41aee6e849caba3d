import { ConfigError } from '../../src/errors.js';
import { fileUrlDir } from '../open.js';
import type { StateManager } from '../ports/state.js';
import { DEFAULT_STATE_DIR, FileStateManager } from './file.js';
import { MemoryStateManager } from './memory.js';

/**
 * Opens the state manager a URL names: `redis://host:port` (or `rediss://`) for Redis, `file:DIR`
 * (or nothing: `.falco/state`) for files several processes can share, `memory:` for this process
 * only. Redis's code (and its client) is loaded only when asked for. Embedded state travels with
 * the request instead, so it has no URL: make one with `new EmbeddedState()` or `EmbeddedState.from`.
 */
export async function openStateManager(url?: string): Promise<StateManager> {
  if (url === undefined || url === '' || url.startsWith('file:')) return new FileStateManager({ dir: fileUrlDir(url, DEFAULT_STATE_DIR) });
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return new (await import('../redis/state.js')).RedisStateManager({ url });
  if (url === 'memory:') return new MemoryStateManager();
  throw new ConfigError(`unknown state manager "${url.split(':')[0]}:": use redis://host:port, file:DIR or memory:`);
}
