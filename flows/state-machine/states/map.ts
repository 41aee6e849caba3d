import type { Json } from '../../../stores/ports/workspace.js';
import type { MapState } from '../definition.js';
import { StatesRuntimeError } from '../errors.js';
import { applyTemplate, parsePath, readPath, type ReferencePath } from '../paths.js';
import { contextObject, effectiveInput } from '../runtime.js';
import { fanOutAction } from './fan-out.js';

/**
 * Map: the item processor runs once per element of the array at ItemsPath, each on the element
 * (or on ItemSelector, where `$$.Map.Item.Value` and `$$.Map.Item.Index` name it), at most
 * MaxConcurrency at once; the output is the iterations' outputs, in order.
 */
export const mapAction = fanOutAction('Map', {
  inputs: (call, input) => {
    const state = call.options.state as MapState;
    const selected = effectiveInput(call, input, false);
    const items = readPath(parsePath(state.ItemsPath ?? '$') as ReferencePath, selected, contextObject(call));
    if (!Array.isArray(items)) throw new StatesRuntimeError(`ItemsPath "${state.ItemsPath ?? '$'}" selects ${JSON.stringify(items)?.slice(0, 60)}, not an array`);
    const selector = state.ItemSelector ?? state.Parameters;
    if (selector === undefined) return items;
    return items.map((Value: Json, Index) => applyTemplate(selector, selected, contextObject(call, { Map: { Item: { Index, Value } } })));
  },
  startOf: (call) => call.options.starts![0]!,
  concurrency: (call) => (call.options.state as MapState).MaxConcurrency ?? 0,
});
