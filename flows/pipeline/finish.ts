import { messageOf } from '../../src/errors.js';
import type { PipelineDefinition } from './definition.js';
import { CarriedState } from './carried-state.js';
import { PipelineFailedError, PipelineStoppedError } from './errors.js';
import { FINAL_STATES, type RequestLedger, type RequestStatus } from './ledger.js';
import type { FinalState, JsonObject } from './steps.js';

/** What a request carries that `finally` sees: its query and embedded state. */
export interface Carried {
  readonly query: Readonly<Record<string, string>>;
  readonly state: JsonObject;
}

/** What `finally` is told: the final state, with the error rebuilt from the record where this process did not see it. */
export function finalStateOf(status: RequestStatus, localError?: Error): FinalState<unknown> {
  if (status.state === 'succeeded') return { state: 'succeeded', requestId: status.requestId, output: status.output ?? null };
  const error = localError ?? errorOf(status);
  return { state: status.state === 'stopped' ? 'stopped' : 'failed', requestId: status.requestId, error };
}

/** The error a request that did not succeed ends with, as `run()` rejects with it. */
export function errorOf(status: RequestStatus, cause?: Error): Error {
  const message = status.error?.message ?? `pipeline "${status.pipeline}", request "${status.requestId}" was ${status.state}`;
  const options = cause ? { cause } : {};
  return status.state === 'stopped' ? new PipelineStoppedError(message, options) : new PipelineFailedError(message, options);
}

/**
 * Runs `finally` where this process won the claim (`claimed` was written by it): exactly once per
 * request, in whichever process ends it. The claim is taken before it runs, so a crash while
 * `finally` itself runs leaves it claimed and it is not run again.
 */
export async function runFinally(definition: PipelineDefinition, ledger: RequestLedger, status: RequestStatus, carried: Carried, localError?: Error): Promise<void> {
  const handler = definition.finally;
  if (!handler) return;
  let outcome: RequestStatus['finally'] = 'done';
  try {
    await handler(finalStateOf(status, localError), {
      pipeline: definition.name,
      requestId: status.requestId,
      position: definition.steps.length,
      query: carried.query,
      state: new CarriedState(status.requestId, carried.state),
    });
  } catch (error) {
    outcome = { failed: messageOf(error) };
    process.emitWarning(`falco: pipeline "${definition.name}", request "${status.requestId}": finally threw: ${messageOf(error)}`);
  }
  await ledger.update(status.requestId, (current) => ({ ...current, finally: outcome, carried: undefined }));
}

/** The claim on `finally` a settling process writes, with what it is handed. */
export function finallyClaim(carried: Carried): Pick<RequestStatus, 'finally' | 'carried'> {
  return { finally: 'claimed', carried: { query: carried.query, state: carried.state } };
}

/**
 * Takes over a claim on `finally` whose holder died before it ran it (the delivery that ended the
 * request came again: its holder never acknowledged it) and runs it: one process wins the takeover.
 */
export async function finishAbandoned(definition: PipelineDefinition, ledger: RequestLedger, seen: RequestStatus): Promise<RequestStatus | undefined> {
  const claims = seen.finallyClaims ?? 1;
  const { status, changed } = await ledger.update(seen.requestId, (current) =>
    current.finally === 'claimed' && (current.finallyClaims ?? 1) === claims ? { ...current, finallyClaims: claims + 1 } : undefined,
  );
  if (!changed || !status) return undefined;
  await runFinally(definition, ledger, status, status.carried ?? { query: {}, state: {} });
  return ledger.get(seen.requestId);
}

/** Ends a stopped request nobody is running (it was paused, or stopped between phases): claims and runs `finally`. */
export async function finishStopped(definition: PipelineDefinition, ledger: RequestLedger, requestId: string): Promise<RequestStatus | undefined> {
  const { status, changed } = await ledger.update(requestId, (current) =>
    current.state === 'stopped' && current.finally === undefined && definition.finally ? { ...current, ...finallyClaim(current.next ?? { query: {}, state: {} }) } : undefined,
  );
  if (changed && status) await runFinally(definition, ledger, status, status.next ?? { query: {}, state: {} });
  return status;
}

/** True once nothing more will happen to the request: it ended, and its `finally` (if any) ran or failed. */
export function settled(status: RequestStatus, definition: PipelineDefinition): boolean {
  if (!FINAL_STATES.has(status.state)) return false;
  return !definition.finally || (status.finally !== undefined && status.finally !== 'claimed');
}
