import { brand } from '../../src/brand.js';
import { createHash } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';
import { ConfigError, messageOf, TransientError } from '../../src/errors.js';
import { redactUrl } from '../../src/secrets.js';

const FIRST_CONNECT_RETRIES = 3;

/** The Redis server named by a URL could not be reached (the message names it without its password). */
export class RedisUnavailableError extends TransientError {
  static {
    brand(this, 'RedisUnavailableError');
  }
}

export type RedisClient = RedisClientType<{}, {}, {}, 2>;

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://...` for TLS. */
  readonly url: string;
  /** Reconnect attempts after a connection drops (and for the first connect) before commands fail. @default 10 */
  readonly maxReconnects?: number;
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
}

/** The URL as it may appear in a message or a log: credentials replaced by `***`. */
export const safeUrl = redactUrl;

/** Checks a store URL before anything connects: `ConfigError` naming the fix. */
export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${safeUrl(url)} is not a Redis URL: write redis://host:port (or rediss:// for TLS)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`${safeUrl(url)} is not a Redis URL: it must start with redis:// or rediss://`);
  }
  return parsed;
}

/**
 * Opens a client and waits until it answers. Reconnects are bounded (exponential backoff up to
 * 2 s, `maxReconnects` times): past that, commands reject instead of queueing for ever. Nothing
 * the client reports carries the password: errors are re-raised naming `safeUrl(url)`.
 */
export async function openRedis(options: RedisConnectionOptions): Promise<RedisClient> {
  parseRedisUrl(options.url);
  const where = safeUrl(options.url);
  const maxReconnects = options.maxReconnects ?? 10;
  // A server that is not there at the start is reported after a few quick tries, not ten slow ones.
  let connected = false;
  const client: RedisClient = createClient({
    url: options.url,
    // RESP2 replies are plain arrays, the shapes the raw commands and Lua scripts here are written for.
    RESP: 2,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      reconnectStrategy: (retries, cause) =>
        retries >= (connected ? maxReconnects : Math.min(maxReconnects, FIRST_CONNECT_RETRIES))
          ? new RedisUnavailableError(`cannot reach Redis at ${where} after ${retries + 1} attempts: ${describe(cause, options.url)}`)
          : Math.min(50 * 2 ** retries, 2_000),
    },
  });
  // Without a listener an 'error' event would crash the process; failures surface on the commands.
  client.on('error', () => {});
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    client.destroy();
    if (error instanceof RedisUnavailableError) throw error;
    throw new RedisUnavailableError(`cannot reach Redis at ${where}: ${describe(error, options.url)}`);
  }
  return client;
}

/**
 * A client that opens again once it gave up reconnecting: while Redis is away (longer than the
 * client's reconnects last, as a restart that replays a large append-only file can be) commands
 * fail with `RedisUnavailableError`; once it is back, the next command opens a new client. A
 * long-lived worker therefore carries on after any outage instead of failing every command for ever.
 */
export class RedisConnection {
  readonly #options: RedisConnectionOptions;
  #client: Promise<RedisClient>;
  #closed = false;

  constructor(options: RedisConnectionOptions) {
    this.#options = options;
    this.#client = this.#open();
  }

  /** The open client; a new one if the last gave up (rejects with `RedisUnavailableError` while Redis cannot be reached). */
  async client(): Promise<RedisClient> {
    const pending = this.#client;
    const client = await pending.catch(() => undefined);
    if (client?.isOpen || this.#closed) return pending;
    if (this.#client === pending) this.#client = this.#open();
    return this.#client;
  }

  /** Closes the client, without opening one that gave up again. */
  async close(): Promise<void> {
    this.#closed = true;
    (await this.#client.catch(() => undefined))?.destroy();
  }

  #open(): Promise<RedisClient> {
    const client = openRedis(this.#options);
    // Whoever asks for the client hears of the failure; nobody may be asking yet.
    client.catch(() => {});
    return client;
  }
}

function describe(error: unknown, url: string): string {
  const message = messageOf(error);
  const password = (() => {
    try {
      return decodeURIComponent(new URL(url).password);
    } catch {
      return '';
    }
  })();
  return password ? message.split(password).join('***') : message;
}

/** Keys of one workspace share the hash tag `{workspace}`, so a multi-key script runs on one Cluster slot. */
export function workspaceKey(workspace: string, ...parts: string[]): string {
  return taggedKey('workspace', workspace, parts);
}

/** Keys of one run share the hash tag `{run}`. */
export function runKey(runId: string, ...parts: string[]): string {
  return taggedKey('run id', runId, parts);
}

function taggedKey(what: string, name: string, parts: readonly string[]): string {
  if (!/^[^{}\s]{1,200}$/.test(name)) throw new ConfigError(`${what} "${name}" cannot name Redis keys: use 1 to 200 characters without braces or spaces`);
  return ['falco', `{${name}}`, ...parts].join(':');
}

/** A second connection with the same options, for a consumer's blocking reads. */
export async function duplicateClient(client: RedisClient): Promise<RedisClient> {
  const copy = client.duplicate();
  copy.on('error', () => {});
  await copy.connect();
  return copy;
}

/** A Lua script run by EVALSHA, loaded with EVAL when the server does not know it (after a restart). */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run<T>(client: RedisClient, keys: readonly string[], args: readonly string[]): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand<T>(['EVALSHA', this.#sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.sendCommand<T>(['EVAL', this.#source, ...tail]);
    }
  }
}
