import type { Attempt, Invocation } from '../invocation.js';
import { finalAttempt, speculativeAttempts } from './final-attempt.js';
import type { PhaseInfo } from './phase-info.js';

type Cell = string | number | boolean | undefined;

export interface CsvColumn {
  readonly name: string;
  readonly description: string;
  readonly value: (invocation: Invocation, info: PhaseInfo) => Cell;
}

const final = finalAttempt;
const first = (invocation: Invocation): Attempt | undefined => invocation.attempts[0];

/**
 * The columns of a CSV records file, in order. "Final attempt": the one that decided the status
 * (the one that succeeded, or the last). Times are milliseconds since the epoch on falco's
 * monotonic clock; an empty cell means the platform did not report the value.
 */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'run_id', description: 'the run', value: (_, info) => info.runId },
  { name: 'phase', description: 'the phase', value: (i) => i.phase },
  { name: 'id', description: "the invocation's id", value: (i) => i.id },
  { name: 'status', description: 'succeeded, failed or aborted', value: (i) => i.status },
  { name: 'error_class', description: 'the final error class (function, throttled, transient, timeout, fatal, aborted)', value: (i) => i.error?.class },
  { name: 'error', description: 'the final error message', value: (i) => i.error?.message },
  { name: 'attempts', description: 'attempts made (0 when the invocation never reached the platform)', value: (i) => i.attempts.length },
  { name: 'retries', description: 'attempts beyond the first, speculative copies aside', value: (i) => Math.max(0, i.attempts.length - 1 - speculativeAttempts(i)) },
  { name: 'speculative', description: 'speculative copies of a slow attempt (straggler mitigation)', value: speculativeAttempts },
  { name: 'cold_start', description: "whether the final attempt was a cold start, where the platform tells", value: (i) => final(i)?.coldStart },
  { name: 'first_submitted_at', description: 'when the first attempt was handed to the platform', value: (i) => first(i)?.submittedAt },
  { name: 'submitted_at', description: 'when the final attempt was handed to the platform', value: (i) => final(i)?.submittedAt },
  { name: 'started_at', description: 'when the function began running (final attempt), where the platform tells', value: (i) => final(i)?.startedAt },
  { name: 'ended_at', description: 'when the final answer came back', value: (i) => final(i)?.endedAt },
  {
    name: 'latency_ms',
    description: 'end to end: first submit to final answer, retries and backoff included',
    value: (i) => {
      const start = first(i)?.submittedAt;
      const end = final(i)?.endedAt;
      return start === undefined || end === undefined ? undefined : end - start;
    },
  },
  { name: 'duration_ms', description: "the platform's duration of the final attempt", value: (i) => final(i)?.durationMs },
  { name: 'billed_duration_ms', description: 'the billed duration of the final attempt, where reported (Lambda)', value: (i) => final(i)?.billedDurationMs },
  { name: 'init_duration_ms', description: "the final attempt's initialisation time, on a cold start", value: (i) => final(i)?.initDurationMs },
  { name: 'memory_used_mb', description: 'memory the final attempt used, where reported', value: (i) => final(i)?.memoryUsedMB },
  { name: 'activation_id', description: "the platform's id of the final attempt", value: (i) => final(i)?.activationId },
  { name: 'attempt_error_class', description: "the final attempt's error class", value: (i) => final(i)?.errorClass },
  { name: 'platform', description: 'the platform', value: (_, info) => info.platform },
  { name: 'deployment', description: 'the deployed function', value: (_, info) => info.deployment },
  { name: 'memory_mb', description: "the function's configured memory", value: (_, info) => info.memoryMB },
];

/** One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function csvField(cell: Cell): string {
  if (cell === undefined) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
