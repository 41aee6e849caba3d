import { PlanError } from './errors.js';
import type { ErrorInfo, Invocation, InvocationStatus } from './invocation.js';

/** What one phase produced: every invocation record, in plan order, each with a final status. */
export interface PhaseResult<I = unknown, O = unknown> {
  readonly phase: string;
  /** The name of the deployment the phase ran against. */
  readonly deployment: string;
  readonly invocations: Invocation<I, O>[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly counts: Readonly<Record<Exclude<InvocationStatus, 'pending'>, number>>;
  /** How many records came from a journal of an earlier try of this run, not from running. */
  readonly restored?: number;
  /** The fatal error that stopped the phase early, if one did. */
  readonly fatal?: ErrorInfo;
}

export function countStatuses(invocations: readonly Invocation[]): PhaseResult['counts'] {
  const counts = { succeeded: 0, failed: 0, aborted: 0 };
  for (const invocation of invocations) {
    if (invocation.status !== 'pending') counts[invocation.status]++;
  }
  return counts;
}

/** The outputs of a phase's succeeded invocations, in plan order. */
export function outputsOf<O = unknown>(result: PhaseResult<unknown, unknown>): O[] {
  if (!result || !Array.isArray(result.invocations)) {
    throw new PlanError(
      `outputsOf() needs a phase result, got ${result === null ? 'null' : typeof result}: \`previous\` is undefined in a plan's first phase; ` +
        'read an earlier phase with results.get(id), or build the first phase\'s invocations without it',
    );
  }
  const outputs: O[] = [];
  for (const invocation of result.invocations) {
    if (invocation.status === 'succeeded') outputs.push(invocation.output as O);
  }
  return outputs;
}
