import type { Json, JsonObject } from '../../../stores/ports/workspace.js';
import type { StateCall } from '../runtime.js';

/** The event's data as an object (events the compiled machine publishes always carry one). */
export function dataOf(call: StateCall): JsonObject {
  const data = call.event.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as JsonObject) : {};
}

/** The input a `falco.sm.enter` event carries. */
export function inputOf(call: StateCall): Json {
  return dataOf(call).input ?? {};
}
