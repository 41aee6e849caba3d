import { join } from 'node:path';
import { ConfigError } from '../src/errors.js';
import { MemoryWorkspaceStore } from './memory/workspace-store.js';
import type { WorkspaceStore } from './ports/workspace.js';

/** Where the embedded file store keeps workspaces when no store is named. */
export const DEFAULT_STORE_DIR = join('.falco', 'workspaces');

/**
 * Opens the workspace store a URL names: `redis://host:port` (or `rediss://`) for Redis, `file:DIR`
 * (or nothing: `.falco/workspaces`) for the embedded file store, `memory:` for one that lives only
 * as long as this process. Each backend's code (and its client) is loaded only when asked for.
 */
export async function openStore(url?: string): Promise<WorkspaceStore> {
  if (url === undefined || url === '' || url.startsWith('file:')) {
    return new (await import('./file/index.js')).FileWorkspaceStore({ dir: fileUrlDir(url, DEFAULT_STORE_DIR) });
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return new (await import('./redis/index.js')).RedisWorkspaceStore({ url });
  if (url === 'memory:') return new MemoryWorkspaceStore();
  throw new ConfigError(`unknown store "${url.split(':')[0]}:": use redis://host:port, file:DIR or memory:`);
}

/** The directory a `file:DIR` (or `file:///abs/dir`) URL names; `fallback` for `file:` or nothing. */
export function fileUrlDir(url: string | undefined, fallback: string): string {
  return (url && url.slice('file:'.length).replace(/^\/\/(?=\/)/, '')) || fallback;
}
