import { brand } from '../../src/brand.js';
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { FatalError } from '../../src/errors.js';

/** A store file is damaged in a way a crash cannot explain: the message names the file and what to do. */
export class StoreFileError extends FatalError {
  static {
    brand(this, 'StoreFileError');
  }
}

/**
 * The whole lines of a JSON-lines file, parsed. A torn last line (a write cut by a crash) is cut
 * off the file; a damaged line before it is a `StoreFileError`. `keep` decides, line by line,
 * whether the rest of the file still counts: at the first line it refuses, the file is cut there.
 */
export function readLines(path: string, keep: (line: unknown) => boolean = () => true): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines: unknown[] = [];
  let offset = 0;
  for (let start = 0, number = 1; start < text.length; number++) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    let line: unknown;
    try {
      line = JSON.parse(text.slice(start, end));
    } catch {
      throw new StoreFileError(`${path} has a damaged line ${number}: restore it from a backup, or move the workspace away to start it afresh`);
    }
    if (!keep(line)) break;
    lines.push(line);
    start = end + 1;
    offset = start;
  }
  if (offset < text.length) cut(path, Buffer.byteLength(text.slice(0, offset)));
  return lines;
}

function cut(path: string, bytes: number): void {
  synced(path, 'r+', (fd) => ftruncateSync(fd, bytes));
}

/** Opens `path`, does `work` on it, syncs it to disk and closes it. */
function synced(path: string, flags: string, work: (fd: number) => void): void {
  const fd = openSync(path, flags);
  try {
    work(fd);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends whole lines in one write; `sync` waits until they are on disk. */
export class AppendFile {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
  }

  append(lines: readonly unknown[], sync: boolean): void {
    if (lines.length === 0) return;
    this.#fd ??= openSync(this.path, 'a');
    writeSync(this.#fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    if (sync) fsyncSync(this.#fd);
  }

  /** Replaces the file with these lines, atomically. */
  replace(lines: readonly unknown[]): void {
    this.close();
    replaceFile(this.path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Writes a temporary file, syncs it, renames it over `path` and syncs the directory: all or nothing. */
export function replaceFile(path: string, text: string): void {
  const temp = `${path}.tmp`;
  synced(temp, 'w', (fd) => writeSync(fd, text));
  renameSync(temp, path);
  synced(dirname(path), 'r', () => {});
}
