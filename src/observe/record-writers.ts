import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import type { EventBus, FalcoEvents } from '../events.js';
import type { Invocation } from '../invocation.js';
import { CSV_COLUMNS, csvLine } from './csv.js';
import { LineSink } from './line-sink.js';
import { PhaseTracker, type PhaseInfo } from './phase-info.js';

/**
 * Streams one line per invocation as it ends (`invocation:end`) to a file or stream. Nothing is
 * kept for later: a line is written, or queued while the stream drains, and forgotten.
 */
export abstract class RecordWriter {
  readonly #sink: LineSink;

  constructor(target: string | Writable) {
    this.#sink = new LineSink(target);
    const header = this.header();
    if (header) this.#sink.write(header);
  }

  attach(events: EventBus<FalcoEvents>): () => void {
    const tracker = new PhaseTracker();
    const detachTracker = tracker.attach(events);
    const off = events.on('invocation:end', ({ invocation }) => this.write(invocation, tracker.info(invocation.phase)));
    return () => {
      off();
      detachTracker();
    };
  }

  write(invocation: Invocation, info: PhaseInfo = { phase: invocation.phase }): void {
    this.#sink.write(this.format(invocation, info));
  }

  /** Flushes and closes; resolves when every line is on disk (or in the stream). */
  close(): Promise<void> {
    return this.#sink.close();
  }

  protected header(): string | undefined {
    return undefined;
  }

  protected abstract format(invocation: Invocation, info: PhaseInfo): string;
}

/**
 * JSON lines: each line is the invocation record exactly as falco keeps it (every attempt, every
 * timing field, input and output), followed by `runId`, `platform`, `deployment` and `memoryMB`,
 * so a file is self-describing and `falco report` can price it later.
 */
export class JsonLinesWriter extends RecordWriter {
  readonly #contexts = new WeakMap<PhaseInfo, string>();

  protected format(invocation: Invocation, info: PhaseInfo): string {
    const json = JSON.stringify(invocation);
    return `${json.slice(0, -1)}${this.#context(info)}}\n`;
  }

  #context(info: PhaseInfo): string {
    let context = this.#contexts.get(info);
    if (context === undefined) {
      const { phase: _phase, ...rest } = info;
      context = Object.entries(rest)
        .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
        .join('');
      this.#contexts.set(info, context);
    }
    return context;
  }
}

/** CSV: one row per invocation with its final attempt's timings; the columns are `CSV_COLUMNS`. */
export class CsvWriter extends RecordWriter {
  protected override header(): string {
    return csvLine(CSV_COLUMNS.map((c) => c.name));
  }

  protected format(invocation: Invocation, info: PhaseInfo): string {
    return csvLine(CSV_COLUMNS.map((c) => c.value(invocation, info)));
  }
}

/** The format a records file's extension asks for: `.jsonl` / `.ndjson` for JSON lines, `.csv` for CSV. */
export function recordFormatOf(path: string): 'jsonl' | 'csv' {
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.csv') return 'csv';
  throw new ConfigError(`records file "${path}": the extension must be .jsonl (JSON lines, every attempt) or .csv (one row per invocation)`);
}

export function createRecordWriter(path: string): RecordWriter {
  return recordFormatOf(path) === 'jsonl' ? new JsonLinesWriter(path) : new CsvWriter(path);
}
