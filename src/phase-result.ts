import { PlanError } from './errors.js';
import type { ErrorInfo, Invocation, InvocationStatus } from './invocation.js';

/**
 * What one phase produced. Its records are in `invocations` (every one, in plan order, each with a
 * final status) when the phase kept them; a phase whose records streamed to a journal or record
 * writer as they ended keeps only the counts, and `invocations` is empty.
 */
export interface PhaseResult<I = unknown, O = unknown> {
  readonly phase: string;
  /** The name of the deployment the phase ran against. */
  readonly deployment: string;
  readonly invocations: Invocation<I, O>[];
  /** `kept`: `invocations` holds every record; `streamed`: the records went out as they ended and were not kept. */
  readonly records: 'kept' | 'streamed';
  /** Where streamed records can be read back (the run's journal); absent when they were kept, or went only to record writers. */
  readonly stored?: StoredRecords<I, O>;
  /** The ids of the first invocations that did not succeed: streamed results only, whose records are gone. */
  readonly unsucceededIds?: readonly string[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly counts: Readonly<Record<Exclude<InvocationStatus, 'pending'>, number>>;
  /** How many records came from a journal of an earlier try of this run, not from running. */
  readonly restored?: number;
  /** The fatal error that stopped the phase early, if one did. */
  readonly fatal?: ErrorInfo;
}

/** A phase's final records, read back from where they were stored. */
export interface StoredRecords<I = unknown, O = unknown> {
  /** Every final record of the phase, one per invocation, in the order they ended. */
  read(): AsyncIterable<Invocation<I, O>>;
}

export function countStatuses(invocations: readonly Invocation[]): PhaseResult['counts'] {
  const counts = { succeeded: 0, failed: 0, aborted: 0 };
  for (const invocation of invocations) {
    if (invocation.status !== 'pending') counts[invocation.status]++;
  }
  return counts;
}

/**
 * The outputs of a phase's succeeded invocations, in plan order, typed by the phase's output type.
 * A phase whose records streamed: see `readOutputs`.
 */
export function outputsOf<O>(result: PhaseResult<unknown, O>): O[] {
  checkResult(result, 'outputsOf');
  if (result.records === 'streamed') {
    throw new PlanError(
      `outputsOf(): phase "${result.phase}" streamed its records instead of keeping them; ` +
        'read its outputs with `for await (const output of readOutputs(result))`, or run with records: \'keep\'',
    );
  }
  const outputs: O[] = [];
  for (const invocation of result.invocations) {
    if (invocation.status === 'succeeded') outputs.push(invocation.output!);
  }
  return outputs;
}

/**
 * The outputs of a phase's succeeded invocations, one at a time: from its kept records (in plan
 * order) or, for a phase whose records streamed, read back from the run's journal (in the order they ended).
 */
export async function* readOutputs<O>(result: PhaseResult<unknown, O>): AsyncIterable<O> {
  checkResult(result, 'readOutputs');
  if (result.records === 'kept') {
    yield* outputsOf(result);
    return;
  }
  if (!result.stored) {
    throw new PlanError(
      `readOutputs(): phase "${result.phase}" streamed its records to record writers only, so its outputs are gone; ` +
        'give the run a journal (they are read back from it), or run with records: \'keep\'',
    );
  }
  for await (const invocation of result.stored.read()) {
    if (invocation.status === 'succeeded') yield invocation.output!;
  }
}

function checkResult(result: PhaseResult<unknown, unknown>, caller: string): void {
  if (!result || !Array.isArray(result.invocations)) {
    throw new PlanError(
      `${caller}() needs a phase result, got ${result === null ? 'null' : typeof result}: \`previous\` is undefined in a plan's first phase; ` +
        'read an earlier phase with results.get(id), or build the first phase\'s invocations without it',
    );
  }
}
