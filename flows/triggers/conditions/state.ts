import type { Json, JsonObject } from '../../../stores/ports/workspace.js';

/** The object a condition keeps under `key` in the trigger's context, created on first use. */
export function stateIn(context: JsonObject, key: string): JsonObject {
  const state = context[key];
  if (isObject(state)) return state;
  const fresh: JsonObject = {};
  context[key] = fresh;
  return fresh;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
