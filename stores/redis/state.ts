import { messageOf } from '../../src/errors.js';
import type { StateManager } from '../ports/state.js';
import type { Json } from '../ports/workspace.js';
import { canonicalJson, checkIncrement, checkKey, checkRequestId, checkTtl, checkValue, notANumber, notFinite } from '../state/values.js';
import { RedisConnection, parseRedisUrl, type RedisClient, type RedisConnectionOptions, type RedisScript } from './connection.js';
import { COMPARE_AND_SET, DEL, INCR, INIT, SET } from './state-scripts.js';

const VALUE = 'v:';

/** The hash of one request's state (its own hash tag, so each request's scripts run on one Cluster slot). */
export function stateKey(requestId: string): string {
  checkRequestId(requestId);
  return `falco:state:{${requestId}}`;
}

/**
 * Pipeline state in Redis, shared by every process on the server: a hash per request whose TTL
 * (set by `init`) is refreshed by every write; `incr` and `compareAndSet` are each one Lua
 * script, so atomic. Values are kept as canonical JSON (keys sorted), so they come back with
 * their object keys in sorted order.
 */
export class RedisStateManager implements StateManager {
  readonly #link: RedisConnection;

  constructor(options: RedisConnectionOptions) {
    parseRedisUrl(options.url);
    this.#link = new RedisConnection(options);
  }

  /** The client; a new one once the last gave up reconnecting. */
  get #connection(): Promise<RedisClient> {
    return this.#link.client();
  }

  async init(requestId: string, options: { readonly ttlMs?: number } = {}): Promise<void> {
    checkRequestId(requestId);
    checkTtl(requestId, options.ttlMs);
    if (options.ttlMs !== undefined) await this.#run(INIT, requestId, [String(options.ttlMs)]);
  }

  async get<T extends Json = Json>(requestId: string, key: string): Promise<T | undefined> {
    checkKey(requestId, key);
    const text = await (await this.#connection).sendCommand<string | null>(['HGET', stateKey(requestId), VALUE + key]);
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  async set(requestId: string, key: string, value: Json): Promise<void> {
    checkKey(requestId, key);
    checkValue(requestId, key, value);
    await this.#run(SET, requestId, [VALUE + key, canonicalJson(value)]);
  }

  async del(requestId: string, key: string): Promise<boolean> {
    checkKey(requestId, key);
    return (await this.#run<number>(DEL, requestId, [VALUE + key])) === 1;
  }

  async incr(requestId: string, key: string, by = 1): Promise<number> {
    checkKey(requestId, key);
    checkIncrement(requestId, key, by);
    try {
      return Number(await this.#run<string>(INCR, requestId, [VALUE + key, String(by)]));
    } catch (error) {
      const reply = messageOf(error);
      if (reply.includes('NOTNUM')) throw notANumber(requestId, key);
      if (reply.includes('NOTFINITE')) throw notFinite(requestId, key);
      throw error;
    }
  }

  async compareAndSet(requestId: string, key: string, expected: Json | undefined, next: Json): Promise<boolean> {
    checkKey(requestId, key);
    if (expected !== undefined) checkValue(requestId, key, expected);
    checkValue(requestId, key, next);
    const compared = expected === undefined ? ['0', ''] : ['1', canonicalJson(expected)];
    return (await this.#run<number>(COMPARE_AND_SET, requestId, [VALUE + key, ...compared, canonicalJson(next)])) === 1;
  }

  async entries(requestId: string): Promise<Record<string, Json>> {
    const flat = await (await this.#connection).sendCommand<string[]>(['HGETALL', stateKey(requestId)]);
    const values = new Map<string, Json>();
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i]!.startsWith(VALUE)) values.set(flat[i]!.slice(VALUE.length), JSON.parse(flat[i + 1]!) as Json);
    }
    return Object.fromEntries(values);
  }

  async cleanup(requestId: string): Promise<void> {
    await (await this.#connection).sendCommand(['DEL', stateKey(requestId)]);
  }

  async close(): Promise<void> {
    await this.#link.close();
  }

  async #run<T>(script: RedisScript, requestId: string, args: readonly string[]): Promise<T> {
    return script.run<T>(await this.#connection, [stateKey(requestId)], args);
  }
}
