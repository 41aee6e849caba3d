import { closeSync, createReadStream, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { brand } from '../brand.js';
import { FatalError } from '../errors.js';
import { journalKey, type Journal, type JournalRecord } from './journal.js';

/** The journal file is unreadable in a way a crash cannot explain (a bad line before the last). */
export class JournalError extends FatalError {
  static {
    brand(this, 'JournalError');
  }
}

/** Pending lines are written at once when they would pass this many bytes, not only once per turn of the event loop. */
const WRITE_AT_BYTES = 1 << 20;
/** The most bytes one UTF-16 code unit takes in UTF-8. */
const MAX_BYTES_PER_CHAR = 3;
const NEWLINE = 0x0a;

/**
 * A JSON-lines journal: one final record per line. Records that end in the same turn of the event
 * loop are written together with one `write` of whole lines (a write per record would cost a
 * system call each), so a crash (even SIGKILL) loses at most the records of that last turn and
 * never corrupts the lines before; a torn last line is cut off on the next load.
 */
export class FileJournal implements Journal {
  readonly #path: string;
  #fd: number | undefined;
  /** Pending lines, encoded as they are appended: no array of strings to join, no string to encode at the write. */
  readonly #pending = Buffer.allocUnsafe(WRITE_AT_BYTES);
  #pendingBytes = 0;
  #writeScheduled = false;
  readonly #writeLater = (): void => {
    this.#writeScheduled = false;
    this.#write();
  };
  #failure: Error | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** `<dir>/<runId>.jsonl`; the directory defaults to `.falco/runs` under the working directory. */
  static forRun(runId: string, dir = join('.falco', 'runs')): FileJournal {
    if (!/^[\w.-]{1,128}$/.test(runId)) throw new JournalError(`run id "${runId}" cannot name a journal file: use letters, digits, ".", "_" or "-"`);
    return new FileJournal(join(dir, `${runId}.jsonl`));
  }

  get path(): string {
    return this.#path;
  }

  async load(): Promise<ReadonlyMap<string, JournalRecord>> {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new JournalError(`cannot read the journal ${this.#path}: ${(error as Error).message}`, { cause: error });
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) ftruncateSync(this.#open(), Buffer.byteLength(text.slice(0, complete)));
    const records = new Map<string, JournalRecord>();
    const lines = text.slice(0, complete).split('\n');
    lines.pop();
    lines.forEach((line, index) => {
      let record: JournalRecord;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch {
        throw new JournalError(`the journal ${this.#path} has a damaged line ${index + 1}: move the file away to start the run afresh`);
      }
      records.set(journalKey(record.phase, record.id), record);
    });
    return records;
  }

  /** Every record of the file, line by line; a torn last line (a crash mid-write) is left out. */
  async *records(): AsyncIterable<JournalRecord> {
    await this.flush();
    let stream;
    try {
      stream = createReadStream(this.#path, 'utf8');
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        try {
          yield JSON.parse(line) as JournalRecord;
        } catch {
          // Only the last line can be torn; `load` cuts it off.
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new JournalError(`cannot read the journal ${this.#path}: ${(error as Error).message}`, { cause: error });
    } finally {
      stream?.destroy();
    }
  }

  append(record: JournalRecord): void {
    const line = JSON.stringify(record);
    if (this.#pendingBytes + line.length * MAX_BYTES_PER_CHAR + 1 > this.#pending.length) {
      this.#write();
      // A line longer than the buffer goes out on its own, at once.
      if (line.length * MAX_BYTES_PER_CHAR + 1 > this.#pending.length) return this.#writeOut(Buffer.from(`${line}\n`));
    }
    this.#pendingBytes += this.#pending.write(line, this.#pendingBytes);
    this.#pending[this.#pendingBytes++] = NEWLINE;
    if (!this.#writeScheduled) {
      this.#writeScheduled = true;
      setImmediate(this.#writeLater);
    }
  }

  async flush(): Promise<void> {
    this.#write();
    if (this.#failure) throw this.#failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
    }
  }

  #write(): void {
    if (this.#pendingBytes === 0) return;
    const chunk = this.#pending.subarray(0, this.#pendingBytes);
    this.#pendingBytes = 0;
    this.#writeOut(chunk);
  }

  #writeOut(chunk: Buffer): void {
    // After a failed write the journal is broken (flush says so): what follows is not kept.
    if (this.#failure) return;
    try {
      const fd = this.#open();
      for (let written = 0; written < chunk.length; ) written += writeSync(fd, chunk, written);
    } catch (error) {
      this.#failure = new JournalError(`cannot write the journal ${this.#path}: ${(error as Error).message}`, { cause: error });
    }
  }

  #open(): number {
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.#path), { recursive: true });
      this.#fd = openSync(this.#path, 'a');
    }
    return this.#fd;
  }
}
