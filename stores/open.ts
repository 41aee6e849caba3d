import { ConfigError } from '../src/errors.js';
import { MemoryWorkspaceStore } from './memory/workspace-store.js';
import type { WorkspaceStore } from './ports/workspace.js';

/** Where the embedded file store keeps workspaces when no store is named. */
export const DEFAULT_STORE_DIR = '.falco/workspaces';

/**
 * Opens the workspace store a URL names: `redis://host:port` (or `rediss://`) for Redis, `file:DIR`
 * (or nothing: `.falco/workspaces`) for the embedded file store, `memory:` for one that lives only
 * as long as this process. Each backend's code (and its client) is loaded only when asked for.
 */
export async function openStore(url?: string): Promise<WorkspaceStore> {
  if (url === undefined || url === '' || url.startsWith('file:')) {
    const dir = url ? url.slice('file:'.length).replace(/^\/\/(?=\/)/, '') || DEFAULT_STORE_DIR : DEFAULT_STORE_DIR;
    return construct('./file/index.js', 'FileWorkspaceStore', { dir });
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return construct('./redis/index.js', 'RedisWorkspaceStore', { url });
  if (url === 'memory:') return new MemoryWorkspaceStore();
  throw new ConfigError(`unknown store "${url.split(':')[0]}:": use redis://host:port, file:DIR or memory:`);
}

type StoreClass = new (options: Record<string, string>) => WorkspaceStore;

async function construct(module: string, name: string, options: Record<string, string>): Promise<WorkspaceStore> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(new URL(module, import.meta.url).href)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigError(`this build of falco has no ${name} (${module} is missing): use --store memory: or another store`, { cause: error });
  }
  const Store = loaded[name];
  if (typeof Store !== 'function') throw new ConfigError(`${module} exports no ${name}: this build of falco cannot open that store`);
  return new (Store as StoreClass)(options);
}
