import { z } from 'zod';
import type { JsonObject } from '../../stores/ports/workspace.js';
import type { ConditionDefinition } from '../triggers/types.js';
import { DAG_STARTED, TASK_ENDED, type TaskStatus } from './events.js';

const joinOptions = z
  .object({
    /** The tasks that must end first; none for a first task, which the run's start event fires. */
    upstream: z.array(z.string()),
    /** For an on-failure task: the task whose failure it handles. */
    onFailureOf: z.string().optional(),
  })
  .strict();

export type DagJoinOptions = z.output<typeof joinOptions>;

/** What the join keeps in its trigger's context. */
export interface JoinState {
  /** Each upstream task's end event's data, by task id. */
  ended: { [task: string]: JsonObject };
  /** Whether the task runs or is skipped, decided when the join fires. */
  route?: 'run' | 'skip';
}

/**
 * `dagTaskJoin`: fires once every upstream task has ended (succeeded, failed or been skipped),
 * each counted once however often its end event is delivered, and routes: a task runs when all
 * its upstream tasks succeeded; an on-failure task runs when the task it handles failed (and its
 * other upstream tasks succeeded); anything else is skipped.
 */
export const dagTaskJoin: ConditionDefinition<DagJoinOptions> = {
  name: 'dagTaskJoin',
  options: joinOptions,
  test({ event, context, options }) {
    const state = context as unknown as JoinState;
    state.ended ??= {};
    if (event.type === DAG_STARTED) {
      if (options.upstream.length > 0) return false;
    } else {
      const data = (event.data ?? {}) as { task?: string };
      if (event.type !== TASK_ENDED || data.task === undefined || !options.upstream.includes(data.task) || data.task in state.ended) return false;
      state.ended[data.task] = event.data as JsonObject;
      if (!options.upstream.every((task) => task in state.ended)) return false;
    }
    const status = (task: string) => state.ended[task]!.status as TaskStatus;
    const others = options.upstream.filter((task) => task !== options.onFailureOf);
    const handles = options.onFailureOf === undefined || status(options.onFailureOf) === 'failed';
    state.route = handles && others.every((task) => status(task) === 'succeeded') ? 'run' : 'skip';
    return true;
  },
};
