import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError, messageOf } from '../../src/errors.js';
import { isPositiveInteger } from '../../src/whole-number.js';

/** A part of a file, in bytes: `start` inclusive, `end` exclusive; the whole file by default. */
export interface FileRange {
  readonly path: string;
  readonly start?: number;
  readonly end?: number;
}

/** What the partitioner splits: one file or byte range, or several. */
export type DataSource = string | FileRange | readonly (string | FileRange)[];

/** One map call's share of a data source: whole lines, bytes `start` (inclusive) to `end` (exclusive) of `path`. */
export interface Chunk {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Its place among the chunks of the same file or range, from 0. */
  readonly part: number;
}

export interface PartitionOptions {
  /** Bytes per chunk (a chunk grows to finish its last line). Default: the whole range in one chunk. */
  readonly chunkSize?: number;
  /** Split each file or range into this many chunks of about equal size instead. */
  readonly chunkCount?: number;
}

/** How much is read at a time while looking for the end of a line. */
const SCAN_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Splits files or byte ranges into chunks that keep lines whole: a line belongs to the chunk (and
 * the range) it starts in, so a chunk ends after its last line's newline and the next starts at
 * the line after. Only the bytes around each boundary are read, never the whole file.
 */
export function partition(source: DataSource, options: PartitionOptions = {}): Chunk[] {
  const ranges = isList(source) ? source : [source];
  const { chunkSize, chunkCount } = options;
  if (chunkSize !== undefined && chunkCount !== undefined) throw new ConfigError('partition: give chunkSize or chunkCount, not both');
  checkPositive(chunkSize, 'chunkSize', 'bytes per chunk, such as 1048576 for 1 MiB');
  checkPositive(chunkCount, 'chunkCount', 'chunks per file');
  if (ranges.length === 0) throw new ConfigError('partition: the data source names no file; give a path, a { path, start?, end? } range or a list of them');
  return ranges.flatMap((range) => splitRange(typeof range === 'string' ? { path: range } : range, options));
}

function splitRange(range: FileRange, { chunkSize, chunkCount }: PartitionOptions): Chunk[] {
  if (typeof range?.path !== 'string' || range.path === '') throw new ConfigError('partition: each file must be a path or a { path, start?, end? } range');
  let fd: number;
  try {
    fd = openSync(range.path, 'r');
  } catch (error) {
    throw new ConfigError(`partition: cannot read "${range.path}": ${messageOf(error)}`, { cause: error });
  }
  try {
    const size = fstatSync(fd).size;
    const from = range.start ?? 0;
    const to = range.end ?? size;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > size) {
      throw new ConfigError(`partition: the range ${from}-${to} of "${range.path}" is not within its ${size} bytes; start and end are byte offsets, 0 ≤ start ≤ end ≤ size`);
    }
    const step = chunkCount !== undefined ? Math.max(1, Math.ceil((to - from) / chunkCount)) : (chunkSize ?? Number.POSITIVE_INFINITY);
    const lineStart = lineStartFinder(fd, size);
    const end = lineStart(to);
    const chunks: Chunk[] = [];
    for (let start = lineStart(from); start < end; ) {
      const next = Math.min(end, lineStart(start + step));
      chunks.push({ path: range.path, start, end: next, part: chunks.length });
      start = next;
    }
    return chunks;
  } finally {
    closeSync(fd);
  }
}

/** The first line start at or after `position`: itself when the byte before it is a newline. */
function lineStartFinder(fd: number, size: number): (position: number) => number {
  const buffer = Buffer.allocUnsafe(SCAN_BYTES);
  return (position) => {
    if (position <= 0) return 0;
    for (let at = position - 1; at < size; at += SCAN_BYTES) {
      const read = readSync(fd, buffer, 0, SCAN_BYTES, at);
      const newline = buffer.subarray(0, read).indexOf(NEWLINE);
      if (newline >= 0) return at + newline + 1;
      if (read === 0) break;
    }
    return size;
  };
}

function isList(source: DataSource): source is readonly (string | FileRange)[] {
  return Array.isArray(source);
}

function checkPositive(value: number | undefined, name: string, hint: string): void {
  if (value !== undefined && !isPositiveInteger(value)) {
    throw new ConfigError(`partition: ${name} must be a positive integer (${hint}), got ${String(value)}`);
  }
}
