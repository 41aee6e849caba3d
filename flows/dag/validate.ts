import type { Deployable } from '../../src/deployable.js';
import { findNonJsonValue } from '../../src/json.js';
import type { Json } from '../../stores/ports/workspace.js';
import type { Dag, TaskDefinition } from './dag.js';
import { DagError } from './errors.js';
import { refOf, refsIn } from './refs.js';

/** A task as it compiles: every dependency explicit. */
export interface CheckedTask {
  readonly id: string;
  readonly deployable: Deployable;
  readonly input: Json;
  readonly forEach?: Json;
  readonly retries: number;
  readonly onFailureOf?: string;
  /** The tasks that must end before this one starts: `after`, the tasks its input refers to, and `onFailureOf`. */
  readonly upstream: readonly string[];
}

const ID = /^[A-Za-z0-9_-]{1,48}$/;

/** Checks a DAG; every problem found goes into one `DagError`, each naming its task and the fix. */
export function checkDag(dag: Dag<string>): CheckedTask[] {
  const problems: string[] = [];
  if (!ID.test(dag.id)) problems.push(`the DAG id "${dag.id}" must be 1-48 letters, digits, "-" or "_"`);
  if (dag.tasks.length === 0) problems.push(`DAG "${dag.id}" has no tasks: add one with .task(id, { deployable, input })`);
  const ids = dag.tasks.map((task) => task.id);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`task "${id}" is defined more than once: give each task its own id`);
    seen.add(id);
  }
  const tasks = dag.tasks.map((task) => checkTask(task, ids, problems));
  if (problems.length === 0) {
    const cycle = findCycle(tasks);
    if (cycle) problems.push(`DAG "${dag.id}" has a cycle: ${cycle.join(' → ')}; remove one of these dependencies`);
  }
  if (problems.length > 0) throw new DagError(`invalid DAG "${dag.id}": ${problems.join('; ')}`);
  return tasks;
}

function checkTask(task: TaskDefinition, ids: readonly string[], problems: string[]): CheckedTask {
  const at = `task "${task.id}"`;
  if (!ID.test(task.id)) problems.push(`${at}: an id must be 1-48 letters, digits, "-" or "_"`);
  const deployable = task.deployable as Partial<Deployable> | undefined;
  if (!deployable || typeof deployable !== 'object' || typeof deployable.runtime !== 'string' || !deployable.code) {
    problems.push(`${at} has no deployable: give one made with deployable({ runtime, code })`);
  }
  const retries = task.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) problems.push(`${at}: retries must be a whole number, 0 or more (got ${String(task.retries)})`);
  const input = task.input ?? {};
  const notJson = findNonJsonValue(input, 'input') ?? (task.forEach === undefined ? undefined : findNonJsonValue(task.forEach, 'forEach'));
  if (notJson) problems.push(`${at}: ${notJson}`);
  const known = (id: string, what: string) => {
    if (!ids.includes(id)) problems.push(`${at} ${what} "${id}", which is not a task of this DAG; define "${id}" or ${what === 'depends on' ? 'remove it from after' : 'fix the name'} (tasks: ${ids.join(', ')})`);
  };
  const upstream = new Set(task.after ?? []);
  for (const id of upstream) known(id, 'depends on');
  if (task.onFailureOf !== undefined) {
    known(task.onFailureOf, 'handles the failure of');
    upstream.add(task.onFailureOf);
  }
  if (task.forEach !== undefined && !Array.isArray(task.forEach)) {
    const ref = refOf(task.forEach);
    if (!ref || (ref.kind !== '$output' && ref.kind !== '$input')) problems.push(`${at}: forEach must be a list, output('task', 'path') or dagInput('path')`);
  }
  for (const ref of [...refsIn(input), ...(task.forEach === undefined ? [] : refsIn(task.forEach))]) {
    if (ref.kind === '$output') {
      known(ref.task!, 'refers to the output of');
      upstream.add(ref.task!);
    } else if (ref.kind === '$error' && ref.task !== task.onFailureOf) {
      problems.push(`${at} refers to errorOf("${ref.task}") but handles ${task.onFailureOf === undefined ? 'no failure' : `the failure of "${task.onFailureOf}"`}: set onFailureOf: "${ref.task}"`);
    } else if (ref.kind === '$item' && task.forEach === undefined) {
      problems.push(`${at} refers to item() but has no forEach: give it the list to run over`);
    }
  }
  return {
    id: task.id,
    deployable: task.deployable,
    input,
    ...(task.forEach === undefined ? {} : { forEach: task.forEach }),
    retries,
    ...(task.onFailureOf === undefined ? {} : { onFailureOf: task.onFailureOf }),
    upstream: [...upstream],
  };
}

/** A cycle as the ids along it, first id repeated at the end; undefined when there is none. */
function findCycle(tasks: readonly CheckedTask[]): string[] | undefined {
  const upstream = new Map(tasks.map((task) => [task.id, task.upstream]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of upstream.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const task of tasks) {
    const cycle = visit(task.id);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}
