import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFile, StoreFileError } from '../file/lines.js';
import { withFileLock } from '../file/lock.js';
import type { StateManager } from '../ports/state.js';
import type { Json } from '../ports/workspace.js';
import { checkIncrement, checkKey, checkRequestId, checkTtl, checkValue, notANumber, notFinite, sameJson } from './values.js';

/** Where the file state manager keeps requests when no directory is named. */
export const DEFAULT_STATE_DIR = join('.falco', 'state');

/** One request's file: its values and, with a TTL, when it lapses. */
interface Stored {
  ttlMs?: number;
  expiresAt?: number;
  values: Map<string, Json>;
}

export interface FileStateOptions {
  /** @default .falco/state */
  readonly dir?: string;
  /** How long a change waits for another process's lock on the same request. @default 10000 */
  readonly lockTimeoutMs?: number;
}

/**
 * Pipeline state on files, shared by every process that opens the same directory: one JSON file
 * per request, replaced whole by each change (written aside, synced, renamed), so a crash leaves
 * the old state or the new one. Changes hold a per-request lock file, so `incr` and
 * `compareAndSet` are atomic across processes; reads take no lock. A request whose TTL ran out
 * reads as empty and its file is replaced by the next change.
 */
export class FileStateManager implements StateManager {
  readonly dir: string;
  readonly #lockTimeoutMs: number;

  constructor(options: FileStateOptions = {}) {
    this.dir = options.dir ?? DEFAULT_STATE_DIR;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    mkdirSync(this.dir, { recursive: true });
  }

  async init(requestId: string, options: { readonly ttlMs?: number } = {}): Promise<void> {
    checkRequestId(requestId);
    checkTtl(requestId, options.ttlMs);
    await this.#change(requestId, (stored) => {
      if (options.ttlMs !== undefined) stored.ttlMs = options.ttlMs;
      return true;
    });
  }

  async get<T extends Json = Json>(requestId: string, key: string): Promise<T | undefined> {
    checkKey(requestId, key);
    return this.#values(requestId).get(key) as T | undefined;
  }

  async set(requestId: string, key: string, value: Json): Promise<void> {
    checkKey(requestId, key);
    checkValue(requestId, key, value);
    await this.#change(requestId, (stored) => {
      stored.values.set(key, value);
      return true;
    });
  }

  async del(requestId: string, key: string): Promise<boolean> {
    checkKey(requestId, key);
    return this.#change(requestId, (stored) => stored.values.delete(key));
  }

  async incr(requestId: string, key: string, by = 1): Promise<number> {
    checkKey(requestId, key);
    checkIncrement(requestId, key, by);
    let next = 0;
    await this.#change(requestId, (stored) => {
      const current = stored.values.get(key) ?? 0;
      if (typeof current !== 'number') throw notANumber(requestId, key);
      next = current + by;
      if (!Number.isFinite(next)) throw notFinite(requestId, key);
      stored.values.set(key, next);
      return true;
    });
    return next;
  }

  async compareAndSet(requestId: string, key: string, expected: Json | undefined, next: Json): Promise<boolean> {
    checkKey(requestId, key);
    if (expected !== undefined) checkValue(requestId, key, expected);
    checkValue(requestId, key, next);
    return this.#change(requestId, (stored) => {
      if (!sameJson(stored.values.get(key), expected)) return false;
      stored.values.set(key, next);
      return true;
    });
  }

  async entries(requestId: string): Promise<Record<string, Json>> {
    checkRequestId(requestId);
    return Object.fromEntries(this.#values(requestId));
  }

  async cleanup(requestId: string): Promise<void> {
    checkRequestId(requestId);
    await withFileLock(this.#lockOf(requestId), () => rmSync(this.#fileOf(requestId), { force: true }), this.#lockTimeoutMs);
  }

  async close(): Promise<void> {}

  #fileOf(requestId: string): string {
    return join(this.dir, `${requestId}.json`);
  }

  #lockOf(requestId: string): string {
    return `${this.#fileOf(requestId)}.lock`;
  }

  #values(requestId: string): Map<string, Json> {
    return this.#read(requestId)?.values ?? new Map();
  }

  /** The request's stored state, unless it has none or its TTL ran out. */
  #read(requestId: string): Stored | undefined {
    const path = this.#fileOf(requestId);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let stored: Stored;
    try {
      const parsed = JSON.parse(text) as Omit<Stored, 'values'> & { values: Record<string, Json> };
      stored = { ...parsed, values: new Map(Object.entries(parsed.values)) };
    } catch (error) {
      throw new StoreFileError(`${path} is not a state file falco wrote (${(error as Error).message}): remove it to start that request's state afresh`);
    }
    return stored.expiresAt !== undefined && stored.expiresAt <= Date.now() ? undefined : stored;
  }

  /** Applies `change` under the request's lock, and writes the state back if it returned true. */
  async #change(requestId: string, change: (stored: Stored) => boolean): Promise<boolean> {
    return withFileLock(
      this.#lockOf(requestId),
      () => {
        const stored: Stored = this.#read(requestId) ?? { values: new Map() };
        const changed = change(stored);
        if (changed) {
          if (stored.ttlMs !== undefined) stored.expiresAt = Date.now() + stored.ttlMs;
          // Object.fromEntries keeps a key like `__proto__` an ordinary key.
          replaceFile(this.#fileOf(requestId), JSON.stringify({ ...stored, values: Object.fromEntries(stored.values) }));
        }
        return changed;
      },
      this.#lockTimeoutMs,
    );
  }
}
