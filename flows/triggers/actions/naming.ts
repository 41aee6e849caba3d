import type { TriggerCall } from '../types.js';

/** The CloudEvent `source` of what a trigger's action emits. */
export function triggerSource(call: TriggerCall<unknown>): string {
  return `/falco/workspaces/${call.workspace}/triggers/${call.trigger.id}`;
}

/**
 * `<workspace>/<trigger>/<entryId>`: names what one event made one trigger do. The entry id is the
 * same on every redelivery, so an action re-applied after a crash makes the same ids again.
 */
export function firingKey(call: TriggerCall<unknown>): string {
  return `${call.workspace}/${call.trigger.id}/${call.entryId}`;
}
