import type { Deployable } from '../../src/deployable.js';
import type { Json } from '../../stores/ports/workspace.js';
import { WORKFLOW_SUCCEEDED } from '../builders/outcome.js';
import { runWorkflow, type WorkflowRunOptions } from '../builders/run.js';
import { compileStateMachine } from './compile.js';
import type { StateMachineDefinition } from './definition.js';
import { ENTER, subjectOf, TOP_TOKEN } from './events.js';

export interface StateMachineRunOptions extends WorkflowRunOptions {
  /** The deployables a Task's `Resource` names, by name. */
  readonly resources?: Readonly<Record<string, Deployable>>;
  /** The execution's input. @default {} */
  readonly input?: Json;
}

/** How an execution ended: its output, or the error and cause it failed with. */
export type StateMachineResult<O = Json> =
  | { readonly status: 'succeeded'; readonly runId: string; readonly output: O }
  | { readonly status: 'failed'; readonly runId: string; readonly error: string; readonly cause: string };

/**
 * Runs one execution of an ASL state machine (a typed definition, or parsed JSON) to its end (see
 * `runWorkflow`). A definition that cannot run is a `StateMachineError` before anything is
 * deployed. `O` is the output's type, as the definition makes it.
 */
export async function runStateMachine<O = Json>(definition: StateMachineDefinition | unknown, options: StateMachineRunOptions): Promise<StateMachineResult<O>> {
  const resources = options.resources ?? {};
  const input = options.input ?? {};
  let runId = '';
  const end = await runWorkflow(
    'sm',
    (workspace) => {
      runId = workspace;
      const { triggers, start } = compileStateMachine(definition, { workspace, resources: Object.keys(resources) });
      return {
        triggers,
        deployables: new Map(Object.entries(resources)),
        global: { input },
        start: { id: `${workspace}/start`, source: '/falco/state-machine', type: ENTER, subject: subjectOf(start, TOP_TOKEN), data: { input } },
      };
    },
    options,
  );
  const data = (end.data ?? {}) as { output?: O; error?: string; cause?: string };
  if (end.type === WORKFLOW_SUCCEEDED) return { status: 'succeeded', runId, output: data.output as O };
  return { status: 'failed', runId, error: data.error ?? 'States.Failed', cause: data.cause ?? '' };
}
