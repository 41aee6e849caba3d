import { z } from 'zod';
import type { ConditionDefinition, TriggerCall } from '../types.js';

const counterOptions = z
  .object({
    threshold: z.number().int().positive(),
    /** Where in the context the count is kept. */
    key: z.string().min(1).default('counter'),
    /** Start the count over when it fires, so it fires every `threshold` events; otherwise it fires on every event from the threshold on. */
    reset: z.boolean().default(false),
  })
  .strict();

export type CounterOptions = z.output<typeof counterOptions>;

/** Counts the events that activate the trigger and fires once the count reaches `threshold`. */
export const counterCondition: ConditionDefinition<CounterOptions> = {
  name: 'counter',
  options: counterOptions,
  test({ context, options }: TriggerCall<CounterOptions>): boolean {
    const previous = context[options.key];
    const count = (typeof previous === 'number' ? previous : 0) + 1;
    const fires = count >= options.threshold;
    context[options.key] = fires && options.reset ? 0 : count;
    return fires;
  },
};
