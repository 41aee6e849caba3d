import { fromFields, toFields, type FalcoEvent } from '../ports/event.js';
import { STREAM_DEFAULTS, type ConsumerOptions, type DeadLetter, type Delivery, type EventConsumer, type EventStream, type ReadOptions } from '../ports/event-stream.js';
import { duplicateClient, openRedis, RedisConnection, type RedisClient, type RedisConnectionOptions } from './connection.js';
import { DEAD_LETTER, LEAVE, PENDING, TRIM } from './scripts.js';

/** A blocking read waits in slices this long, so an abort or a close is seen within one. */
const BLOCK_SLICE_MS = 250;

/** A raw stream entry as Redis replies it: the id and its fields flat, or null if the entry was deleted. */
type RawEntry = [string, string[] | null];

/** `[f1, v1, f2, v2, ...]` as an object. */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

export function flatten(fields: Readonly<Record<string, string>>): string[] {
  return Object.entries(fields).flat();
}

/** The dead-letter stream of a stream: `<stream>:dead`, under the same hash tag. */
export const deadKey = (key: string): string => `${key}:dead`;

/**
 * An event stream on a Redis stream. Events are flat fields (`XADD key * specversion 1.0 id e1
 * source s type t data '{"n":1}'`), so any producer can feed it; consumers are consumer groups.
 * Opened on its own (`RedisEventStream.open`) it owns its connection; a workspace store shares one.
 */
export class RedisEventStream implements EventStream {
  readonly name: string;
  readonly #source: RedisClient | RedisConnection;
  readonly #ownsClient: boolean;
  readonly #consumers = new Set<RedisConsumer>();

  /** On a client, or a workspace store's connection, that it shares, or a client it owns and closes. */
  constructor(source: RedisClient | RedisConnection, key: string, options: { readonly ownsClient?: boolean } = {}) {
    this.#source = source;
    this.name = key;
    this.#ownsClient = options.ownsClient ?? false;
  }

  get #connection(): Promise<RedisClient> {
    return this.#source instanceof RedisConnection ? this.#source.client() : Promise.resolve(this.#source);
  }

  static async open(options: RedisConnectionOptions & { readonly key: string }): Promise<RedisEventStream> {
    return new RedisEventStream(await openRedis(options), options.key, { ownsClient: true });
  }

  async publish(events: readonly FalcoEvent[]): Promise<void> {
    const client = await this.#connection;
    await Promise.all(events.map((event) => client.sendCommand(['XADD', this.name, '*', ...flatten(toFields(event))])));
  }

  async consumer(group: string, consumer: string, options: ConsumerOptions & { readonly start?: '0' | '$' } = {}): Promise<EventConsumer> {
    const client = await this.#connection;
    try {
      await client.sendCommand(['XGROUP', 'CREATE', this.name, group, options.start ?? '0', 'MKSTREAM']);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
    const reader = new RedisConsumer(await duplicateClient(client), this.name, group, consumer, { ...STREAM_DEFAULTS, ...options }, () => this.#consumers.delete(reader));
    this.#consumers.add(reader);
    return reader;
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const client = await this.#connection;
    const entries = await client.sendCommand<RawEntry[]>(['XRANGE', deadKey(this.name), '-', '+']);
    return entries.map(([, flat]) => {
      const record = fieldsOf(flat ?? []);
      return {
        entryId: record.entry ?? '',
        fields: JSON.parse(record.fields ?? '{}') as Record<string, string>,
        reason: record.reason ?? '',
        group: record.group ?? '',
        deliveries: Number(record.deliveries),
      };
    });
  }

  async trim(): Promise<number> {
    return TRIM.run<number>(await this.#connection, [this.name], []);
  }

  async info() {
    const client = await this.#connection;
    const length = await client.sendCommand<number>(['XLEN', this.name]);
    if (length === 0 && (await client.sendCommand<number>(['EXISTS', this.name])) === 0) return { length, groups: [] };
    const groups = await client.sendCommand<Array<Array<string | number>>>(['XINFO', 'GROUPS', this.name]);
    return {
      length,
      groups: groups.map((flat) => {
        const info = new Map<string | number, string | number>();
        for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i]!, flat[i + 1]!);
        return { name: String(info.get('name')), pending: Number(info.get('pending')) };
      }),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((consumer) => consumer.close()));
    if (this.#ownsClient) (await this.#connection).destroy();
  }
}

class RedisConsumer implements EventConsumer {
  readonly group: string;
  readonly name: string;
  readonly #client: RedisClient;
  readonly #key: string;
  readonly #options: typeof STREAM_DEFAULTS & ConsumerOptions;
  readonly #closed: () => void;
  /** The first read returns what this consumer held before (a restart under the same name). */
  #recovered = false;
  #claimCursor = '0-0';
  #lastClaimAt = Number.NEGATIVE_INFINITY;
  #closing = false;

  constructor(client: RedisClient, key: string, group: string, name: string, options: typeof STREAM_DEFAULTS & ConsumerOptions, closed: () => void) {
    this.#client = client;
    this.#key = key;
    this.group = group;
    this.name = name;
    this.#options = options;
    this.#closed = closed;
  }

  async read({ max = this.#options.max, blockMs = this.#options.blockMs, signal }: ReadOptions = {}): Promise<Delivery[]> {
    if (this.#closing) return [];
    try {
      const out = await this.#pending(max);
      const deadline = Date.now() + blockMs;
      while (out.length < max && !this.#closing) {
        const asked = max - out.length;
        const wait = out.length > 0 || signal?.aborted ? 0 : Math.max(0, Math.min(BLOCK_SLICE_MS, deadline - Date.now()));
        const fresh = await this.#fresh(asked, wait);
        out.push(...(await this.#parse(fresh.map(([entryId, flat]) => [entryId, flat, 1] as const))));
        if (out.length > 0 && fresh.length < asked) break;
        if (fresh.length === 0 && (wait === 0 || Date.now() >= deadline)) break;
      }
      return out;
    } catch (error) {
      if (this.#closing) return [];
      throw error;
    }
  }

  async ack(entryIds: readonly string[]): Promise<void> {
    if (entryIds.length > 0) await this.#client.sendCommand(['XACK', this.#key, this.group, ...entryIds]);
  }

  async deadLetter(deliveries: readonly Delivery[], reason: string): Promise<void> {
    await this.#bury(deliveries.map((d) => ({ entryId: d.entryId, deliveries: d.deliveries, fields: toFields(d.event) })), reason);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#closed();
    // Leaving is tidying up: with the server gone the consumer stays listed, and what it holds
    // is claimed by others past the visibility timeout, so a failure here loses nothing.
    await LEAVE.run(this.#client, [this.#key], [this.group, this.name]).catch(() => {});
    this.#client.destroy();
  }

  /** Own pending entries on the first read, then (at most twice per visibility timeout) entries others held too long. */
  async #pending(max: number): Promise<Delivery[]> {
    const now = Date.now();
    const own = !this.#recovered;
    const claim = now - this.#lastClaimAt >= Math.min(this.#options.visibilityTimeoutMs / 2, 1_000);
    if (!own && !claim) return [];
    if (claim) this.#lastClaimAt = now;
    const args = [this.group, this.name, String(max), own ? '1' : '0', claim ? '1' : '0', String(this.#options.visibilityTimeoutMs), this.#claimCursor, String(this.#options.maxDeliveries)];
    const [cursor, entries] = await PENDING.run<[string, Array<[string, string[], number]>]>(this.#client, [this.#key, deadKey(this.#key)], args);
    this.#recovered = true;
    if (claim) this.#claimCursor = cursor;
    return this.#parse(entries);
  }

  async #fresh(count: number, blockMs: number): Promise<Array<[string, string[]]>> {
    const block = blockMs > 0 ? ['BLOCK', String(Math.ceil(blockMs))] : [];
    const reply = await this.#client.sendCommand<Array<[string, RawEntry[]]> | null>(['XREADGROUP', 'GROUP', this.group, this.name, 'COUNT', String(count), ...block, 'STREAMS', this.#key, '>']);
    return (reply?.[0]?.[1] ?? []).filter((entry): entry is [string, string[]] => entry[1] !== null);
  }

  /** Entries as deliveries; one that is not a CloudEvent is dead-lettered with the reason, never returned. */
  async #parse(entries: ReadonlyArray<readonly [string, string[], number]>): Promise<Delivery[]> {
    const out: Delivery[] = [];
    const malformed = new Map<string, Array<{ entryId: string; deliveries: number; fields: Record<string, string> }>>();
    for (const [entryId, flat, deliveries] of entries) {
      const fields = fieldsOf(flat);
      try {
        out.push({ event: fromFields(fields), entryId, deliveries });
      } catch (error) {
        const reason = (error as Error).message;
        malformed.set(reason, [...(malformed.get(reason) ?? []), { entryId, deliveries, fields }]);
      }
    }
    for (const [reason, buried] of malformed) await this.#bury(buried, reason);
    return out;
  }

  async #bury(entries: ReadonlyArray<{ entryId: string; deliveries: number; fields: Readonly<Record<string, string>> }>, reason: string): Promise<void> {
    if (entries.length === 0) return;
    const args = [this.group, reason, ...entries.flatMap((e) => [e.entryId, String(e.deliveries), JSON.stringify(e.fields)])];
    await DEAD_LETTER.run(this.#client, [this.#key, deadKey(this.#key)], args);
  }
}
