import { z } from 'zod';
import type { Json } from '../../stores/ports/workspace.js';
import { invoke } from '../builders/invocations.js';
import type { ActionDefinition } from '../triggers/types.js';
import { publishTaskEvent, taskError } from './task-events.js';
import { TASK_STARTED, taskTrigger } from './events.js';
import type { JoinState } from './join.js';
import { resolve, UnresolvedRefError, type RefScope } from './refs.js';

const json: z.ZodType<Json> = z.json();

const taskOptions = z
  .object({
    task: z.string(),
    /** The name the run registered the task's deployment under. */
    deployment: z.string(),
    input: json,
    forEach: json.optional(),
  })
  .strict();

export type DagTaskOptions = z.output<typeof taskOptions>;

/**
 * `dagTask`: when the join fired, either skips the task (publishing its end as skipped) or builds
 * its inputs from the upstream outputs and the run's input, publishes them to its results
 * trigger (`falco.dag.task.started`) and asks for one invocation per input.
 */
export const dagTaskAction: ActionDefinition<DagTaskOptions> = {
  name: 'dagTask',
  options: taskOptions,
  run(call) {
    const { task } = call.options;
    const state = call.context as unknown as JoinState;
    if (state.route === 'skip') {
      publishTaskEvent(call, task, { status: 'skipped' });
      return;
    }
    let inputs: Json[];
    try {
      inputs = inputsOf(call.options, scopeOf(state, call.global.input ?? {}));
    } catch (error) {
      if (!(error instanceof UnresolvedRefError)) throw error;
      publishTaskEvent(call, task, { status: 'failed', error: taskError(`task "${task}": its input cannot be built: ${error.message}`) });
      return;
    }
    if (inputs.length === 0) {
      publishTaskEvent(call, task, { status: 'succeeded', output: [] });
      return;
    }
    publishTaskEvent(call, task, { inputs }, TASK_STARTED);
    inputs.forEach((input, index) => invoke(call, { deployment: call.options.deployment, trigger: taskTrigger(task), key: `${index}.1`, input }));
  },
};

function scopeOf(state: JoinState, input: Json): RefScope {
  const outputs: Record<string, Json> = {};
  const errors: Record<string, Json> = {};
  for (const [task, ended] of Object.entries(state.ended)) {
    if (ended.output !== undefined) outputs[task] = ended.output;
    if (ended.error !== undefined) errors[task] = ended.error;
  }
  return { outputs, errors, input };
}

function inputsOf(options: DagTaskOptions, scope: RefScope): Json[] {
  if (options.forEach === undefined) return [resolve(options.input, scope)];
  const items = resolve(options.forEach, scope);
  if (!Array.isArray(items)) throw new UnresolvedRefError(`forEach selects ${describe(items)}, not a list`);
  return items.map((item) => resolve(options.input, { ...scope, item }));
}

function describe(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

