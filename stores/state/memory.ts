import type { StateManager } from '../ports/state.js';
import type { Json } from '../ports/workspace.js';
import { checkIncrement, checkKey, checkRequestId, checkTtl, checkValue, notANumber, notFinite, sameJson } from './values.js';

/** One request's state in this process. */
export interface Namespace {
  readonly values: Map<string, Json>;
  ttlMs?: number;
  expiresAt?: number;
}

/**
 * Pipeline state in this process's memory, gone when it ends: for tests and single-process runs.
 * Values go in and come out as copies. A namespace with a TTL is dropped once it has gone
 * `ttlMs` without a write.
 */
export class MemoryStateManager implements StateManager {
  protected readonly requests = new Map<string, Namespace>();

  async init(requestId: string, options: { readonly ttlMs?: number } = {}): Promise<void> {
    checkRequestId(requestId);
    checkTtl(requestId, options.ttlMs);
    const namespace = this.#namespace(requestId);
    if (options.ttlMs !== undefined) namespace.ttlMs = options.ttlMs;
    this.#touch(namespace);
  }

  async get<T extends Json = Json>(requestId: string, key: string): Promise<T | undefined> {
    checkKey(requestId, key);
    const value = this.live(requestId)?.values.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async set(requestId: string, key: string, value: Json): Promise<void> {
    checkKey(requestId, key);
    checkValue(requestId, key, value);
    this.#write(requestId, key, structuredClone(value));
  }

  async del(requestId: string, key: string): Promise<boolean> {
    checkKey(requestId, key);
    const namespace = this.live(requestId);
    if (!namespace?.values.has(key)) return false;
    this.#write(requestId, key, undefined);
    return true;
  }

  async incr(requestId: string, key: string, by = 1): Promise<number> {
    checkKey(requestId, key);
    checkIncrement(requestId, key, by);
    const current = this.live(requestId)?.values.get(key) ?? 0;
    if (typeof current !== 'number') throw notANumber(requestId, key);
    const next = current + by;
    if (!Number.isFinite(next)) throw notFinite(requestId, key);
    this.#write(requestId, key, next);
    return next;
  }

  async compareAndSet(requestId: string, key: string, expected: Json | undefined, next: Json): Promise<boolean> {
    checkKey(requestId, key);
    if (expected !== undefined) checkValue(requestId, key, expected);
    checkValue(requestId, key, next);
    if (!sameJson(this.live(requestId)?.values.get(key), expected)) return false;
    this.#write(requestId, key, structuredClone(next));
    return true;
  }

  async entries(requestId: string): Promise<Record<string, Json>> {
    checkRequestId(requestId);
    return structuredClone(Object.fromEntries(this.live(requestId)?.values ?? []));
  }

  async cleanup(requestId: string): Promise<void> {
    checkRequestId(requestId);
    this.requests.delete(requestId);
  }

  async close(): Promise<void> {
    this.requests.clear();
  }

  /** Called before every change (`value` undefined: a delete), so a subclass can refuse it. */
  protected admit(_requestId: string, _key: string, _value: Json | undefined, _namespace: Namespace): void {}

  /** The request's namespace unless its TTL ran out (then it is dropped). */
  protected live(requestId: string): Namespace | undefined {
    const namespace = this.requests.get(requestId);
    if (namespace?.expiresAt !== undefined && namespace.expiresAt <= Date.now()) {
      this.requests.delete(requestId);
      return undefined;
    }
    return namespace;
  }

  #namespace(requestId: string): Namespace {
    let namespace = this.live(requestId);
    if (!namespace) this.requests.set(requestId, (namespace = { values: new Map() }));
    return namespace;
  }

  #write(requestId: string, key: string, value: Json | undefined): void {
    const namespace = this.#namespace(requestId);
    this.admit(requestId, key, value, namespace);
    if (value === undefined) namespace.values.delete(key);
    else namespace.values.set(key, value);
    this.#touch(namespace);
  }

  #touch(namespace: Namespace): void {
    if (namespace.ttlMs !== undefined) namespace.expiresAt = Date.now() + namespace.ttlMs;
  }
}
