import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { firingKey, triggerSource } from './naming.js';

export const TERMINATED_TYPE = 'falco.workflow.terminated';

const terminateOptions = z
  .object({
    /** The subject of the terminated event; the workspace by default. */
    subject: z.string().min(1).optional(),
    reason: z.string().optional(),
  })
  .strict();

export type TerminateOptions = z.output<typeof terminateOptions>;

/** Publishes `falco.workflow.terminated` for the workspace (or `subject`) and ends the trigger, transient or not. */
export const terminateAction: ActionDefinition<TerminateOptions> = {
  name: 'terminate',
  options: terminateOptions,
  run(call): void {
    call.publish({
      id: firingKey(call),
      source: triggerSource(call),
      type: TERMINATED_TYPE,
      subject: call.options.subject ?? call.workspace,
      data: { workspace: call.workspace, trigger: call.trigger.id, ...(call.options.reason === undefined ? {} : { reason: call.options.reason }) },
    });
    call.removeTrigger();
  },
};
