import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../../src/errors.js';
import { findNonJsonValue } from '../../src/json.js';
import type { StateManager } from '../../stores/ports/state.js';
import type { Json } from './steps.js';

/**
 * This process's memory as a `StateManager`: what a pipeline keeps its requests' status in when it
 * is given no store. Values are copied in and out, as a store that serialises them would.
 */
export class InProcessState implements StateManager {
  readonly #requests = new Map<string, Map<string, Json>>();

  async init(requestId: string): Promise<void> {
    if (!this.#requests.has(requestId)) this.#requests.set(requestId, new Map());
  }

  async get<T extends Json = Json>(requestId: string, key: string): Promise<T | undefined> {
    const value = this.#requests.get(requestId)?.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async set(requestId: string, key: string, value: Json): Promise<void> {
    this.#namespace(requestId).set(key, copyOf(key, value));
  }

  async del(requestId: string, key: string): Promise<boolean> {
    return this.#requests.get(requestId)?.delete(key) ?? false;
  }

  async incr(requestId: string, key: string, by = 1): Promise<number> {
    const now = this.#namespace(requestId).get(key) ?? 0;
    if (typeof now !== 'number') throw new ConfigError(`"${key}" of request "${requestId}" holds ${typeof now}, not a number: incr() adds only to numbers`);
    this.#namespace(requestId).set(key, now + by);
    return now + by;
  }

  async compareAndSet(requestId: string, key: string, expected: Json | undefined, next: Json): Promise<boolean> {
    const namespace = this.#namespace(requestId);
    if (!isDeepStrictEqual(namespace.get(key), expected)) return false;
    namespace.set(key, copyOf(key, next));
    return true;
  }

  async entries(requestId: string): Promise<Record<string, Json>> {
    return structuredClone(Object.fromEntries(this.#requests.get(requestId) ?? []));
  }

  async cleanup(requestId: string): Promise<void> {
    this.#requests.delete(requestId);
  }

  async close(): Promise<void> {}

  #namespace(requestId: string): Map<string, Json> {
    let namespace = this.#requests.get(requestId);
    if (!namespace) this.#requests.set(requestId, (namespace = new Map()));
    return namespace;
  }
}

function copyOf(key: string, value: Json): Json {
  const problem = findNonJsonValue(value, key);
  if (problem) throw new ConfigError(`state value ${problem}`);
  return structuredClone(value);
}
