import type { Json } from './workspace.js';

/**
 * State kept between the phases of one request (a pipeline run): typed JSON values by key, in a
 * namespace per request. Backends: embedded in the forwarded request, memory, file, Redis (a hash
 * per request with a TTL). Values must be JSON: anything else is a `ConfigError` naming the key.
 */
export interface StateManager {
  /** Creates the request's namespace (a no-op if it exists); `ttlMs` bounds how long it lives untouched. */
  init(requestId: string, options?: { readonly ttlMs?: number }): Promise<void>;
  get<T extends Json = Json>(requestId: string, key: string): Promise<T | undefined>;
  set(requestId: string, key: string, value: Json): Promise<void>;
  /** True if the key was there. */
  del(requestId: string, key: string): Promise<boolean>;
  /** Adds `by` (default 1) to a number (absent counts as 0) in one atomic step; returns the new value. */
  incr(requestId: string, key: string, by?: number): Promise<number>;
  /**
   * Sets `key` to `next` only if it holds `expected` now (`undefined`: only if absent), in one atomic
   * step; true if it was set. Values compare as JSON (same keys and values, any key order).
   */
  compareAndSet(requestId: string, key: string, expected: Json | undefined, next: Json): Promise<boolean>;
  /** Everything kept for the request. */
  entries(requestId: string): Promise<Record<string, Json>>;
  /** Deletes the request's namespace. */
  cleanup(requestId: string): Promise<void>;
  close(): Promise<void>;
}
