import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import type { LogRecord, WorkflowLog } from '../ports/workflow-log.js';
import { AppendFile, readLines } from './lines.js';

/** Where the embedded store keeps workflow logs when no directory is named. */
export const DEFAULT_LOG_DIR = join('.falco', 'workflows');

/**
 * Workflow logs as JSON-lines files, `<dir>/<run>.jsonl`, one record a line. An append is one
 * write of whole lines, synced to disk before it resolves (as the journal's are); a line torn by
 * a crash is cut off when the log is read, so it never stops the run that is resumed.
 */
export class FileWorkflowLog implements WorkflowLog {
  readonly dir: string;
  readonly #files = new Map<string, AppendFile>();
  /** What `sizes` last counted in each run's file, by the file's size then: a file that did not grow is not read again. */
  readonly #counted = new Map<string, { readonly bytes: number; readonly records: number }>();

  constructor({ dir = DEFAULT_LOG_DIR }: { readonly dir?: string } = {}) {
    this.dir = dir;
  }

  async append(run: string, records: readonly LogRecord[]): Promise<void> {
    this.#file(run).append(records, true);
  }

  async read(run: string): Promise<LogRecord[]> {
    return readLines(this.#path(run)) as LogRecord[];
  }

  /** Each run's record count: a stat per file, and a read of those that changed since the last call. */
  async sizes(): Promise<ReadonlyMap<string, number>> {
    const sizes = new Map<string, number>();
    for (const run of await this.list()) {
      const bytes = statSync(this.#path(run), { throwIfNoEntry: false })?.size;
      if (bytes === undefined) continue;
      let counted = this.#counted.get(run);
      if (counted?.bytes !== bytes) this.#counted.set(run, (counted = { bytes, records: (await this.read(run)).length }));
      sizes.set(run, counted.records);
    }
    return sizes;
  }

  async readFrom(run: string, from: number): Promise<LogRecord[]> {
    return (await this.read(run)).slice(from);
  }

  async list(): Promise<string[]> {
    try {
      return readdirSync(this.dir).filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async delete(run: string): Promise<void> {
    this.#files.get(run)?.close();
    this.#files.delete(run);
    this.#counted.delete(run);
    rmSync(this.#path(run), { force: true });
  }

  async close(): Promise<void> {
    for (const file of this.#files.values()) file.close();
    this.#files.clear();
  }

  #file(run: string): AppendFile {
    let file = this.#files.get(run);
    if (!file) {
      mkdirSync(this.dir, { recursive: true });
      file = new AppendFile(this.#path(run));
      this.#files.set(run, file);
    }
    return file;
  }

  #path(run: string): string {
    if (!/^[\w.-]{1,128}$/.test(run)) throw new ConfigError(`run id "${run}" cannot name a log file: use 1-128 letters, digits, ".", "_" or "-"`);
    return join(this.dir, `${run}.jsonl`);
  }
}
