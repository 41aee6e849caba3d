import type { WorkflowLog } from '../../../stores/ports/workflow-log.js';
import { History } from '../../code/history.js';
import type { CodeRecord } from '../../code/records.js';

interface Known {
  readonly history: History;
  /** How many of the log's records `history` holds. */
  size: number;
}

/**
 * Reads code runs' histories from their logs, keeping each: where the log can say how much each
 * run holds (`sizes`) and read from a record on (`readFrom`), a run that did not grow costs no
 * read, and one that did costs a read of what is new. Without them, every read is a whole one.
 * Reads of one run are queued, so no record is applied twice.
 */
export class LogReader {
  readonly #log: WorkflowLog;
  readonly #known = new Map<string, Known>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(log: WorkflowLog) {
    this.#log = log;
  }

  /** Each run's history, for every run in the log: one read of its sizes, then one of each run that grew. */
  async all(): Promise<Array<[run: string, history: History]>> {
    const sizes = this.#log.sizes ? await this.#log.sizes() : undefined;
    const runs = sizes ? [...sizes.keys()] : await this.#log.list();
    if (sizes) for (const run of this.#known.keys()) if (!sizes.has(run)) this.forget(run);
    return Promise.all(runs.map(async (run) => [run, await this.history(run, sizes?.get(run))] as [string, History]));
  }

  /** The run's history (empty for a run never logged); `size`, what `sizes` said the log holds, spares the read when nothing is new. */
  history(run: string, size?: number): Promise<History> {
    const read = (this.#queues.get(run) ?? Promise.resolve()).catch(() => {}).then(() => this.#read(run, size));
    this.#queues.set(run, read);
    return read;
  }

  forget(run: string): void {
    this.#known.delete(run);
    this.#queues.delete(run);
  }

  async #read(run: string, size: number | undefined): Promise<History> {
    const known = this.#known.get(run);
    if (known && size !== undefined && known.size >= size) return known.history;
    if (known && this.#log.readFrom) {
      const records = await this.#log.readFrom(run, known.size);
      for (const record of records) known.history.apply(record as CodeRecord);
      known.size += records.length;
      return known.history;
    }
    const records = await this.#log.read(run);
    const history = History.of(records);
    if (this.#log.readFrom) this.#known.set(run, { history, size: records.length });
    return history;
  }
}
