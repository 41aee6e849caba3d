import { z } from 'zod';
import type { ActionDefinition } from '../types.js';

/** Does nothing: the trigger only changes its context (and is removed, if transient). */
export const passAction: ActionDefinition<Record<string, never>> = {
  name: 'pass',
  options: z.object({}).strict(),
  run: () => {},
};
