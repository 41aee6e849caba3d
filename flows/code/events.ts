import type { EventFilter } from '../../stores/ports/workspace.js';
import { INVOCATION_FAILED, INVOCATION_SUCCEEDED } from '../triggers/commands.js';
import type { CallOp } from './records.js';

/** The id of a run's wake trigger; with a coordinator function, its action invokes the function. */
export const WAKE_TRIGGER = 'wake';
/** Published by a run's wake trigger: the coordinator has something to go on with. */
export const WAKE = 'falco.code.wake';
/** A `sleep`'s store timer. */
export const TIMER_FIRED = 'falco.code.timer';
/** What a `waitForEvent` trigger publishes: the matched event is its data. */
export const EVENT_MATCHED = 'falco.code.event';
export const CHILD_SUCCEEDED = 'falco.code.child.succeeded';
export const CHILD_FAILED = 'falco.code.child.failed';
/** Asks the worker hosting the run to stop it (`falco workflow cancel`). */
export const CANCEL = 'falco.code.cancel';
/** Published to the run's own workspace when it ends (subject: the run id). */
export const CODE_WORKFLOW_SUCCEEDED = 'falco.code.workflow.succeeded';
export const CODE_WORKFLOW_FAILED = 'falco.code.workflow.failed';

/**
 * `<run>/<slot>`: the subject of the event that ends a slot, and for an invocation its idempotency
 * key (`<run>/<position>/<index>`). A retry a resume asked for gets `~<epoch>`, so its result is a new event.
 */
export function slotSubject(run: string, slot: string, epoch: number): string {
  return `${run}/${slot}${epoch > 0 ? `~${epoch}` : ''}`;
}

/** The slot and epoch a subject names, or undefined when it is not one of this run's. */
export function parseSlotSubject(run: string, subject: string | undefined): { slot: string; epoch: number } | undefined {
  if (subject === undefined || !subject.startsWith(`${run}/`)) return undefined;
  const rest = subject.slice(run.length + 1);
  const match = /^([A-Z]\d{3,})\/(\d+)(?:~(\d+))?$/.exec(rest);
  if (!match) return undefined;
  return { slot: `${match[1]}/${match[2]}`, epoch: match[3] === undefined ? 0 : Number(match[3]) };
}

const COMPLETION_TYPES: Record<Exclude<CallOp, 'value'>, readonly string[]> = {
  invoke: [INVOCATION_SUCCEEDED, INVOCATION_FAILED],
  sleep: [TIMER_FIRED],
  event: [EVENT_MATCHED],
  child: [CHILD_SUCCEEDED, CHILD_FAILED],
};

/** The events that end a slot: what a wake trigger joins on. */
export function completionFilters(run: string, slot: string, op: Exclude<CallOp, 'value'>, epoch: number): EventFilter[] {
  const subject = slotSubject(run, slot, epoch);
  return COMPLETION_TYPES[op].map((type) => ({ type, subject }));
}
