/** The run began: the DAG's first tasks start (subject: the workspace). */
export const DAG_STARTED = 'falco.dag.started';
/** A task began its invocations: `data.inputs`, one per invocation (subject `task:<id>`). */
export const TASK_STARTED = 'falco.dag.task.started';
/** A task ended: `data.status` is succeeded, failed or skipped, with `output` or `error` (subject `task:<id>`). */
export const TASK_ENDED = 'falco.dag.task.ended';

export type TaskStatus = 'succeeded' | 'failed' | 'skipped';

/** The trigger that starts a task once its upstream tasks ended, and the one that collects its invocations' results. */
export function taskTrigger(task: string): string {
  return `task:${task}`;
}

export function resultsTrigger(task: string): string {
  return `task:${task}:results`;
}

export const END_TRIGGER = 'end';
