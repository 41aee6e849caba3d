import { z } from 'zod';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { WORKFLOW_FAILED, WORKFLOW_SUCCEEDED } from '../builders/outcome.js';
import { firingKey, triggerSource } from '../triggers/actions/naming.js';
import type { ActionDefinition } from '../triggers/types.js';
import type { JoinState } from './join.js';

const endOptions = z
  .object({
    /** For each task that has on-failure tasks: their ids. */
    handlers: z.record(z.string(), z.array(z.string())),
  })
  .strict();

export type DagEndOptions = z.output<typeof endOptions>;

/** What a DAG run's end event carries. */
export interface DagOutcome {
  readonly outputs: { readonly [task: string]: Json };
  readonly failed: { readonly [task: string]: Json };
  readonly skipped: readonly string[];
  /** Failed tasks no on-failure task handled successfully: the DAG failed when there is one. */
  readonly unhandled: readonly string[];
}

/**
 * `dagEnd`: when every task has ended, publishes `falco.workflow.succeeded` with each succeeded
 * task's output, or `falco.workflow.failed` when a task failed and none of its on-failure tasks
 * succeeded.
 */
export const dagEndAction: ActionDefinition<DagEndOptions> = {
  name: 'dagEnd',
  options: endOptions,
  run(call) {
    const { ended } = call.context as unknown as JoinState;
    const outputs: Record<string, Json> = {};
    const failed: Record<string, Json> = {};
    const skipped: string[] = [];
    for (const [task, data] of Object.entries(ended)) {
      if (data.status === 'succeeded') outputs[task] = data.output ?? null;
      else if (data.status === 'failed') failed[task] = data.error ?? null;
      else skipped.push(task);
    }
    const handled = (task: string) => (call.options.handlers[task] ?? []).some((handler) => ended[handler]?.status === 'succeeded');
    const unhandled = Object.keys(failed).filter((task) => !handled(task));
    const outcome: DagOutcome = { outputs, failed, skipped, unhandled };
    call.publish({
      id: firingKey(call),
      source: triggerSource(call),
      type: unhandled.length > 0 ? WORKFLOW_FAILED : WORKFLOW_SUCCEEDED,
      subject: call.workspace,
      data: outcome as unknown as JsonObject,
    });
  },
};
