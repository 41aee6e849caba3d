import { z } from 'zod';
import type { ConditionDefinition } from '../types.js';

/** Fires on every event that activates the trigger. */
export const trueCondition: ConditionDefinition<Record<string, never>> = {
  name: 'true',
  options: z.object({}).strict(),
  test: () => true,
};
