import { z } from 'zod';
import type { ConditionDefinition, TriggerCall } from '../types.js';
import { isObject, stateIn } from './state.js';

/** The event type that sets a join's N at run time: its `data.expected` is the number of events to wait for. */
export const JOIN_EXPECTED_TYPE = 'falco.join.expected';

const joinOptions = z
  .object({
    /** How many events with distinct ids to wait for; leave it out when an event sets it (dynamic fan-out). */
    n: z.number().int().nonnegative().optional(),
    /** Events of this type set N from their `data.expected` instead of counting as arrivals. */
    expectedType: z.string().min(1).default(JOIN_EXPECTED_TYPE),
    /** Where in the context the join keeps its state: `{ count, expected, seen: { <event id>: true }, done }`. */
    key: z.string().min(1).default('join'),
  })
  .strict();

export type JoinOptions = z.output<typeof joinOptions>;

/**
 * Fires once, when N events with distinct ids have arrived. An event whose id was seen before (the
 * same fact published twice, a re-done invocation) is not counted again. N comes from the options,
 * or from an event of type `expectedType` carrying `data.expected`, which may arrive before or
 * after the events it counts.
 */
export const joinCondition: ConditionDefinition<JoinOptions> = {
  name: 'join',
  options: joinOptions,
  test({ event, context, options }: TriggerCall<JoinOptions>): boolean {
    const state = stateIn(context, options.key);
    if (state.done === true) return false;
    if (event.type === options.expectedType) {
      state.expected = expectedOf(event.data, event.id);
    } else {
      const seen = isObject(state.seen) ? state.seen : (state.seen = {});
      if (Object.hasOwn(seen, event.id)) return false;
      // defineProperty, not assignment: an id such as "__proto__" must be a key like any other.
      Object.defineProperty(seen, event.id, { value: true, enumerable: true, writable: true, configurable: true });
      state.count = (typeof state.count === 'number' ? state.count : 0) + 1;
    }
    const expected = typeof state.expected === 'number' ? state.expected : options.n;
    if (expected === undefined || (typeof state.count === 'number' ? state.count : 0) < expected) return false;
    state.done = true;
    return true;
  },
};

function expectedOf(data: unknown, id: string): number {
  const expected = typeof data === 'object' && data !== null ? (data as { expected?: unknown }).expected : undefined;
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 0) {
    throw new TypeError(`event "${id}" sets a join's N but its data.expected is ${JSON.stringify(expected)}: send { "expected": <a whole number, 0 or more> }`);
  }
  return expected;
}
