import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../errors.js';
import type { Invocation } from '../invocation.js';
import type { PhaseInfo } from './phase-info.js';

/** One line of a JSON lines records file: the record, and what it says about its phase. */
export interface RecordRow {
  readonly invocation: Invocation;
  readonly info: PhaseInfo;
}

/**
 * Reads a JSON lines records file (as `JsonLinesWriter` writes it) one line at a time. A line that
 * is not a falco record is an error naming the file and line.
 */
export async function* readRecords(path: string): AsyncGenerator<RecordRow> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let number = 0;
  const infos = new Map<string, PhaseInfo>();
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new ConfigError(`${path}:${number}: not JSON (${(error as Error).message}); falco report reads the .jsonl files that --records writes`);
    }
    if (!isRecord(row)) {
      throw new ConfigError(`${path}:${number}: not an invocation record (needs id, phase, status and attempts)`);
    }
    const { runId, platform, deployment, memoryMB, ...invocation } = row;
    const key = `${runId ?? ''}\u0000${invocation.phase}\u0000${deployment ?? ''}`;
    let info = infos.get(key);
    if (!info) {
      info = {
        phase: invocation.phase,
        ...(typeof runId === 'string' ? { runId } : {}),
        ...(typeof platform === 'string' ? { platform } : {}),
        ...(typeof deployment === 'string' ? { deployment } : {}),
        ...(typeof memoryMB === 'number' ? { memoryMB } : {}),
      };
      infos.set(key, info);
    }
    yield { invocation, info };
  }
}

type Row = Invocation & { runId?: unknown; platform?: unknown; deployment?: unknown; memoryMB?: unknown };

function isRecord(value: unknown): value is Row {
  if (value === null || typeof value !== 'object') return false;
  const row = value as Record<string, unknown>;
  return (
    typeof row.id === 'string' &&
    typeof row.phase === 'string' &&
    (row.status === 'succeeded' || row.status === 'failed' || row.status === 'aborted') &&
    Array.isArray(row.attempts) &&
    row.attempts.every((a) => a !== null && typeof a === 'object' && typeof a.submittedAt === 'number' && typeof a.endedAt === 'number')
  );
}
