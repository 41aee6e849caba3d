import type { Deployable } from '../../src/deployable.js';
import type { Json } from '../../stores/ports/workspace.js';

/** One task of a DAG: a deployable invoked with an input, once or once per item of a list. */
export interface TaskSpec {
  readonly deployable: Deployable;
  /** The function's input: JSON, with `output()`, `item()`, `errorOf()`, `dagInput()` references. @default {} */
  readonly input?: Json;
  /** Tasks that must succeed first. References to a task's output add it here by themselves. */
  readonly after?: readonly string[];
  /**
   * A reference to a list (`output('split', 'chunks')`, `dagInput('files')`): the task runs once per
   * item, all at once, then joins; its output is the list of the items' outputs, in order.
   */
  readonly forEach?: Json;
  /**
   * Re-invocations of a failed invocation (or item), on top of the attempts falco's own retry
   * policy makes for throttling and transient errors. @default 0
   */
  readonly retries?: number;
  /**
   * Makes this an on-failure task: it runs only when the task named finally fails (after its
   * retries), and is skipped otherwise. A failure with an on-failure task that succeeds does not
   * fail the DAG; tasks after the failed one are skipped.
   */
  readonly onFailureOf?: string;
}

export interface TaskDefinition extends TaskSpec {
  readonly id: string;
}

/**
 * A DAG of tasks, built one task at a time; the ids so far are tracked in the type, so a run's
 * outputs are typed by task. Checked when compiled (`runDag` compiles), where every problem is a
 * `DagError` naming the tasks and the fix.
 */
export class Dag<Ids extends string = never> {
  readonly id: string;
  readonly tasks: readonly TaskDefinition[];

  constructor(id: string, tasks: readonly TaskDefinition[] = []) {
    this.id = id;
    this.tasks = tasks;
  }

  /** A new DAG with this task added. */
  task<Id extends string>(id: Id, spec: TaskSpec): Dag<Ids | Id> {
    return new Dag<Ids | Id>(this.id, [...this.tasks, { id, ...spec }]);
  }
}

/** Starts a DAG: `dag('etl').task('extract', { ... }).task('load', { after: ['extract'], ... })`. */
export function dag(id: string): Dag {
  return new Dag(id);
}
