import { ConfigError } from '../../src/errors.js';
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
/** Marks what `defineWorkflow` made; a registered symbol, so a workflow made by another copy of falco (a coordinator function's) is recognised too. */
const WORKFLOW = Symbol.for('falco.workflow');

/**
 * Defines a workflow: `defineWorkflow('thumbnails', async (ctx, input: { urls: string[] }) => ...)`.
 * Its input type is the code's second parameter's, its output type what the code returns; both
 * must be JSON. The code is replayed from the top after a crash or a suspension: see `WorkflowContext`.
 */
export function defineWorkflow<I = unknown, O = unknown>(name: string, run: (ctx: WorkflowContext, input: I) => Promise<O>): Workflow<I, O> {
  if (typeof name !== 'string' || !NAME.test(name)) throw new WorkflowCodeError(`workflow name ${JSON.stringify(name)}: use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`);
  if (typeof run !== 'function') throw new WorkflowCodeError(`workflow "${name}": give its code as an async function (ctx, input) => output`);
  return Object.freeze(Object.defineProperty({ name, run }, WORKFLOW, { value: true }));
}

/** Whether a value was made by `defineWorkflow` (how the command line finds a module's workflows). */
export function isWorkflow(value: unknown): value is Workflow {
  return typeof value === 'object' && value !== null && (value as { [WORKFLOW]?: unknown })[WORKFLOW] === true;
}

/** The workflow a module exports: by name, else its default export, else the only one; `module` names it in errors. */
export function pickWorkflow(exports: Record<string, unknown>, name: string | undefined, module: string): AnyWorkflow {
  const workflows = Object.values(exports).filter(isWorkflow);
  if (name !== undefined) {
    const named = workflows.find((workflow) => workflow.name === name);
    if (!named) throw new ConfigError(`${module} exports no workflow named "${name}" (it exports ${workflows.map((w) => `"${w.name}"`).join(', ') || 'none'})`);
    return named;
  }
  if (isWorkflow(exports.default)) return exports.default;
  if (workflows.length === 1) return workflows[0]!;
  if (workflows.length === 0) throw new ConfigError(`${module} exports no workflow: export one made with defineWorkflow(name, async (ctx, input) => ...)`);
  throw new ConfigError(`${module} exports ${workflows.length} workflows (${workflows.map((w) => `"${w.name}"`).join(', ')}): pick one with --workflow NAME`);
}
