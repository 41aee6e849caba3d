import type { LogRecord, WorkflowLog } from '../ports/workflow-log.js';
import { RedisConnection, parseRedisUrl, runKey, type RedisClient, type RedisConnectionOptions } from './connection.js';

/** The set of runs that have a log: for listing only, outside every run's hash tag. */
const RUNS = 'falco:workflow-logs';
/** How many entries one XRANGE step returns while reading. */
const PAGE = 5_000;

/**
 * Workflow logs in Redis: a stream `falco:{<run>}:log` per run, one record an entry (field `r`,
 * the record as JSON). An append is one MULTI/EXEC of XADDs, so its records land together or not
 * at all; with the server's append-only file synced, they survive the server's crash too.
 */
export class RedisWorkflowLog implements WorkflowLog {
  readonly #link: RedisConnection;

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
      const page = await client.sendCommand<Array<[string, string[]]>>(['XRANGE', key, start, '+', 'COUNT', String(PAGE)]);
      for (const [, fields] of page) records.push(JSON.parse(fields[1]!) as LogRecord);
      if (page.length < PAGE) return records;
      start = `(${page.at(-1)![0]}`;
    }
  }

  async list(): Promise<string[]> {
    return (await (await this.#connection).sendCommand<string[]>(['SMEMBERS', RUNS])).sort();
  }

  async delete(run: string): Promise<void> {
    const client = await this.#connection;
    await client.sendCommand(['DEL', runKey(run, 'log')]);
    await client.sendCommand(['SREM', RUNS, run]);
  }

  async close(): Promise<void> {
    await this.#link.close();
  }
}
