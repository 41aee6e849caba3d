import type { JsonObject } from '../../stores/ports/workspace.js';
import { firingKey, triggerSource } from '../triggers/actions/naming.js';
import type { ActionCall } from '../triggers/types.js';
import { TASK_ENDED, taskTrigger } from './events.js';

/** Publishes a task's event (its end by default) with subject `task:<id>`; the id is stable when the firing is re-applied. */
export function publishTaskEvent(call: ActionCall<unknown>, task: string, data: JsonObject, type = TASK_ENDED): void {
  call.publish({
    id: `${firingKey(call)}/${type}`,
    source: triggerSource(call),
    type,
    subject: taskTrigger(task),
    data: { task, ...data },
  });
}

/** A task failure that is the DAG's own (an input that cannot be built), in the invocation error's shape. */
export function taskError(message: string): JsonObject {
  return { class: 'fatal', name: 'DagInputError', message };
}
