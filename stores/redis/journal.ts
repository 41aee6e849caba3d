import { JournalError } from '../../src/journal/file-journal.js';
import { journalKey, type Journal, type JournalRecord } from '../../src/journal/journal.js';
import { RedisConnection, parseRedisUrl, runKey, safeUrl, type RedisClient, type RedisConnectionOptions } from './connection.js';

/** How many records one HSCAN step returns while loading. */
const SCAN_COUNT = 1_000;

/**
 * A run's journal in Redis: a hash `falco:{<run>}:journal` from `journalKey(phase, id)` to the
 * final record as JSON, so a record kept twice (a retried write) is still one. `append` batches
 * the records that end in the same tick into one HSET and never blocks; `flush` waits for them.
 */
export class RedisJournal implements Journal {
  readonly key: string;
  readonly #link: RedisConnection;
  readonly #where: string;
  #pending: string[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #failure: Error | undefined;

  constructor(options: RedisConnectionOptions & { readonly runId: string }) {
    parseRedisUrl(options.url);
    this.key = runKey(options.runId, 'journal');
    this.#where = `${this.key} at ${safeUrl(options.url)}`;
    this.#link = new RedisConnection(options);
  }

  /** The client; a new one once the last gave up reconnecting. */
  get #connection(): Promise<RedisClient> {
    return this.#link.client();
  }

  async load(): Promise<ReadonlyMap<string, JournalRecord>> {
    const records = new Map<string, JournalRecord>();
    for await (const record of this.#scan()) records.set(journalKey(record.phase, record.id), record);
    return records;
  }

  /**
   * Every record kept so far (once each: the hash only grows, and HSCAN repeats fields only when a
   * hash shrinks), a thousand at a time, in the hash's order rather than the order they ended.
   */
  async *records(): AsyncIterable<JournalRecord> {
    await this.flush();
    yield* this.#scan();
  }

  async *#scan(): AsyncGenerator<JournalRecord> {
    const client = await this.#connection;
    let cursor = '0';
    do {
      const [next, flat] = await client.sendCommand<[string, string[]]>(['HSCAN', this.key, cursor, 'COUNT', String(SCAN_COUNT)]);
      for (let i = 1; i < flat.length; i += 2) yield JSON.parse(flat[i]!) as JournalRecord;
      cursor = next;
    } while (cursor !== '0');
  }

  append(record: JournalRecord): void {
    if (this.#pending.push(journalKey(record.phase, record.id), JSON.stringify(record)) === 2) queueMicrotask(() => this.#write());
  }

  async flush(): Promise<void> {
    this.#write();
    await Promise.all(this.#inFlight);
    if (this.#failure) throw this.#failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#link.close();
    }
  }

  #write(): void {
    if (this.#pending.length === 0 || this.#failure) return;
    const fields = this.#pending;
    this.#pending = [];
    const write = this.#connection
      .then((client) => client.sendCommand(['HSET', this.key, ...fields]))
      .then(
        () => {},
        (error: unknown) => {
          this.#failure ??= new JournalError(`cannot write the journal ${this.#where}: ${(error as Error).message}`, { cause: error });
        },
      )
      .finally(() => this.#inFlight.delete(write));
    this.#inFlight.add(write);
  }
}
