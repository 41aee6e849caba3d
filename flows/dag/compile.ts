import type { Deployable } from '../../src/deployable.js';
import type { EventFilter, TriggerSpec } from '../../stores/ports/workspace.js';
import { invocationResults } from '../builders/invocations.js';
import type { Dag } from './dag.js';
import { DAG_STARTED, END_TRIGGER, resultsTrigger, TASK_ENDED, TASK_STARTED, taskTrigger } from './events.js';
import { checkDag } from './validate.js';

export interface CompiledDag {
  /** Per task a start trigger (`dagTaskJoin` → `dagTask`) and a results trigger (`dagCollect`); one `end` trigger. */
  readonly triggers: readonly TriggerSpec[];
  /** The deployables to deploy, by the name the triggers use. */
  readonly deployables: ReadonlyMap<string, Deployable>;
}

/**
 * Compiles a DAG into triggers (after checking it: `DagError`). A task's start trigger joins
 * the end events of its upstream tasks (the run's start event for a first task); its results
 * trigger gathers its invocations; the end trigger joins every task and publishes the DAG's end.
 */
export function compileDag(dag: Dag<string>, workspace: string): CompiledDag {
  const tasks = checkDag(dag);
  const names = new Map<Deployable, string>();
  for (const task of tasks) if (!names.has(task.deployable)) names.set(task.deployable, `${task.deployable.name}-${names.size}`);
  const ended = (task: string): EventFilter => ({ type: TASK_ENDED, subject: taskTrigger(task) });
  const started: EventFilter = { type: DAG_STARTED, subject: workspace };
  const handlers: Record<string, string[]> = {};
  const triggers: TriggerSpec[] = [];
  for (const task of tasks) {
    const deployment = names.get(task.deployable)!;
    if (task.onFailureOf !== undefined) (handlers[task.onFailureOf] ??= []).push(task.id);
    triggers.push(
      {
        id: taskTrigger(task.id),
        activation: task.upstream.length === 0 ? [started] : task.upstream.map(ended),
        condition: { name: 'dagTaskJoin', options: { upstream: [...task.upstream], ...(task.onFailureOf === undefined ? {} : { onFailureOf: task.onFailureOf }) } },
        action: { name: 'dagTask', options: { task: task.id, deployment, input: task.input, ...(task.forEach === undefined ? {} : { forEach: task.forEach }) } },
      },
      {
        id: resultsTrigger(task.id),
        activation: [{ type: TASK_STARTED, subject: taskTrigger(task.id) }, invocationResults(workspace, taskTrigger(task.id))],
        condition: { name: 'true' },
        action: { name: 'dagCollect', options: { task: task.id, deployment, retries: task.retries, forEach: task.forEach !== undefined } },
        transient: false,
      },
    );
  }
  triggers.push({
    id: END_TRIGGER,
    activation: tasks.map((task) => ended(task.id)),
    condition: { name: 'dagTaskJoin', options: { upstream: tasks.map((task) => task.id) } },
    action: { name: 'dagEnd', options: { handlers } },
  });
  return { triggers, deployables: new Map([...names].map(([deployable, name]) => [name, deployable])) };
}
