import { mkdirSync, readdirSync, rmSync } from 'node:fs';
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

  constructor({ dir = DEFAULT_LOG_DIR }: { readonly dir?: string } = {}) {
    this.dir = dir;
  }

  async append(run: string, records: readonly LogRecord[]): Promise<void> {
    this.#file(run).append(records, true);
  }

  async read(run: string): Promise<LogRecord[]> {
    return readLines(this.#path(run)) as LogRecord[];
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
