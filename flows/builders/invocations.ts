import type { EventFilter, Json } from '../../stores/ports/workspace.js';
import { INVOCATION_SUCCEEDED, INVOKE_COMMAND_TYPE, type InvokeCommand } from '../triggers/commands.js';
import { triggerSource } from '../triggers/actions/naming.js';
import type { ActionCall, TriggerCall } from '../triggers/types.js';

/** The activation that hands a trigger the results of the invocations it asked for. */
export function invocationResults(workspace: string, trigger: string): EventFilter {
  return { type: 'falco.invocation.', subject: `${workspace}/${trigger}/`, match: 'prefix' };
}

export interface InvokeRequest {
  /** The name the run registered the deployment under. */
  readonly deployment: string;
  /** The trigger whose activation `invocationResults` gets the result (the calling one by default). */
  readonly trigger?: string;
  /** Names the call within that trigger; it comes back in the result's subject. */
  readonly key: string;
  readonly input: Json;
}

/**
 * Asks an action worker to invoke a deployment. The idempotency key `<workspace>/<trigger>/<key>`
 * is the same whenever the command is re-done, and new for a retry (which has a new key).
 */
export function invoke(call: ActionCall<unknown>, request: InvokeRequest): void {
  const { deployment, key, input } = request;
  const trigger = request.trigger ?? call.trigger.id;
  const idempotencyKey = `${call.workspace}/${trigger}/${key}`;
  const data: InvokeCommand = { deployment, workspace: call.workspace, trigger, key, idempotencyKey, input, reportTo: call.workspace };
  call.command({ id: idempotencyKey, source: triggerSource(call), type: INVOKE_COMMAND_TYPE, subject: idempotencyKey, data });
}

/** How an invocation ended, as an action worker reported it. */
export type InvocationOutcome =
  | { readonly key: string; readonly ok: true; readonly output: Json }
  | { readonly key: string; readonly ok: false; readonly error: InvocationError };

export interface InvocationError {
  readonly class: string;
  readonly name: string;
  readonly message: string;
  readonly type?: string;
}

/** The outcome an invocation event for `trigger` (the calling one by default) carries, or undefined when the event is not one. */
export function invocationOutcome(call: TriggerCall<unknown>, trigger = call.trigger.id): InvocationOutcome | undefined {
  const { event } = call;
  if (!event.type.startsWith('falco.invocation.')) return undefined;
  const key = (event.subject ?? '').slice(`${call.workspace}/${trigger}/`.length);
  const data = (event.data ?? {}) as { output?: Json; error?: Partial<InvocationError> };
  if (event.type === INVOCATION_SUCCEEDED) return { key, ok: true, output: data.output ?? null };
  const error = data.error ?? {};
  return {
    key,
    ok: false,
    error: {
      class: error.class ?? 'fatal',
      name: error.name ?? 'Error',
      message: error.message ?? 'the invocation failed',
      ...(error.type === undefined ? {} : { type: error.type }),
    },
  };
}
