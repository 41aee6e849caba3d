import type { WorkflowContext } from './context.js';
import { WorkflowCodeError } from './errors.js';

/** A workflow as code: a name (what the log and the worker know it by) and the coordinator's code. */
export interface Workflow<I = unknown, O = unknown> {
  readonly name: string;
  readonly run: (ctx: WorkflowContext, input: I) => Promise<O>;
}

/** Any workflow, whatever its input and output types. */
export type AnyWorkflow = Workflow<never, unknown>;

const NAME = /^[a-z0-9][\w.-]{0,63}$/i;
const workflows = new WeakSet<object>();

/**
 * Defines a workflow: `defineWorkflow('thumbnails', async (ctx, input: { urls: string[] }) => ...)`.
 * Its input type is the code's second parameter's, its output type what the code returns; both
 * must be JSON. The code is replayed from the top after a crash or a suspension: see `WorkflowContext`.
 */
export function defineWorkflow<I = unknown, O = unknown>(name: string, run: (ctx: WorkflowContext, input: I) => Promise<O>): Workflow<I, O> {
  if (typeof name !== 'string' || !NAME.test(name)) throw new WorkflowCodeError(`workflow name ${JSON.stringify(name)}: use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`);
  if (typeof run !== 'function') throw new WorkflowCodeError(`workflow "${name}": give its code as an async function (ctx, input) => output`);
  const workflow: Workflow<I, O> = Object.freeze({ name, run });
  workflows.add(workflow);
  return workflow;
}

/** Whether a value was made by `defineWorkflow` (how the command line finds a module's workflows). */
export function isWorkflow(value: unknown): value is Workflow {
  return typeof value === 'object' && value !== null && workflows.has(value);
}
