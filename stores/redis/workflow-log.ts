import type { LogRecord, WorkflowLog } from '../ports/workflow-log.js';
import { RedisConnection, parseRedisUrl, runKey, type RedisClient, type RedisConnectionOptions } from './connection.js';

/** The set of runs that have a log: for listing only, outside every run's hash tag. */
const RUNS = 'falco:workflow-logs';
/** How many entries one XRANGE step returns while reading. */
const PAGE = 5_000;

type Entry = [id: string, fields: string[]];

/** How many runs' cursors a client keeps, the least recently read dropped first (a dropped one costs a whole read). */
const CURSORS = 10_000;

/** Where this client's last read of a run ended: how many records it had then, and the last one's entry id. */
interface Cursor {
  readonly count: number;
  readonly lastId: string;
}

/**
 * Workflow logs in Redis: a stream `falco:{<run>}:log` per run, one record an entry (field `r`,
 * the record as JSON). An append is one MULTI/EXEC of XADDs, so its records land together or not
 * at all; with the server's append-only file synced, they survive the server's crash too.
 */
export class RedisWorkflowLog implements WorkflowLog {
  readonly #link: RedisConnection;
  /** A stream has no positions, only entry ids: `readFrom` goes on from the id where this client's last read of the run ended. */
  readonly #cursors = new Map<string, Cursor>();

  constructor(options: RedisConnectionOptions) {
    parseRedisUrl(options.url);
    this.#link = new RedisConnection(options);
  }

  /** The client; a new one once the last gave up reconnecting. */
  get #connection(): Promise<RedisClient> {
    return this.#link.client();
  }

  async append(run: string, records: readonly LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const key = runKey(run, 'log');
    const multi = (await this.#connection).multi();
    for (const record of records) multi.addCommand(['XADD', key, '*', 'r', JSON.stringify(record)]);
    multi.addCommand(['SADD', RUNS, run]);
    await multi.exec();
  }

  async read(run: string): Promise<LogRecord[]> {
    const client = await this.#connection;
    const key = runKey(run, 'log');
    const records: LogRecord[] = [];
    for (let start = '-'; ; ) {
      const page = await client.sendCommand<Entry[]>(['XRANGE', key, start, '+', 'COUNT', String(PAGE)]);
      this.#took(run, records, page, 0);
      if (page.length < PAGE) return records;
      start = `(${page.at(-1)![0]}`;
    }
  }

  /** Every run's record count: one SMEMBERS, then an XLEN per run, pipelined. */
  async sizes(): Promise<ReadonlyMap<string, number>> {
    const client = await this.#connection;
    const runs = await client.sendCommand<string[]>(['SMEMBERS', RUNS]);
    const lengths = await Promise.all(runs.map((run) => client.sendCommand<number>(['XLEN', runKey(run, 'log')])));
    return new Map(runs.map((run, i) => [run, lengths[i]!]));
  }

  /**
   * What follows the `from`-th record: one XRANGE from this client's cursor when its last read of
   * the run ended there, with the stream's length in the same transaction to prove the stream is
   * the one read before (not deleted and written again); otherwise a whole read.
   */
  async readFrom(run: string, from: number): Promise<LogRecord[]> {
    const cursor = this.#cursors.get(run);
    if (cursor?.count === from) {
      const key = runKey(run, 'log');
      const [page, length] = (await (await this.#connection).multi().addCommand(['XRANGE', key, `(${cursor.lastId}`, '+']).addCommand(['XLEN', key]).exec()) as unknown as [Entry[], number];
      if (length === from + page.length) return this.#took(run, [], page, from);
    }
    return (await this.read(run)).slice(from);
  }

  /** Parses `page` onto `records`, which follow the run's `base`-th record, and moves the run's cursor past them. */
  #took(run: string, records: LogRecord[], page: readonly Entry[], base: number): LogRecord[] {
    for (const [, fields] of page) records.push(JSON.parse(fields[1]!) as LogRecord);
    const last = page.at(-1);
    if (last) {
      // Deleted first, so a run read again moves to the end of the Map's order.
      this.#cursors.delete(run);
      this.#cursors.set(run, { count: base + records.length, lastId: last[0] });
      if (this.#cursors.size > CURSORS) this.#cursors.delete(this.#cursors.keys().next().value!);
    } else if (base + records.length === 0) this.#cursors.delete(run);
    return records;
  }

  async list(): Promise<string[]> {
    return (await (await this.#connection).sendCommand<string[]>(['SMEMBERS', RUNS])).sort();
  }

  async delete(run: string): Promise<void> {
    const client = await this.#connection;
    await client.sendCommand(['DEL', runKey(run, 'log')]);
    await client.sendCommand(['SREM', RUNS, run]);
    this.#cursors.delete(run);
  }

  async close(): Promise<void> {
    await this.#link.close();
  }
}
