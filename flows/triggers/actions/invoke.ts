import { z } from 'zod';
import type { Json } from '../../../stores/ports/workspace.js';
import { deployableSpec, INVOKE_COMMAND_TYPE, type InvokeCommand } from '../commands.js';
import { render, renderString, templated } from '../template.js';
import type { ActionCall, ActionDefinition } from '../types.js';
import { triggerSource } from './naming.js';
import { scopeOf } from './publish.js';

const invokeOptions = templated(
  z
    .object({
      deployable: deployableSpec.optional(),
      deployment: z.string().min(1).optional(),
      /** The function's input, with `{{...}}` placeholders; the event's data (or `{}`) by default. */
      input: z.json().optional(),
      /** A placeholder naming a list (`"{{event.data.items}}"`): one invocation per element, `{{item}}` in `input`. */
      forEach: z.string().regex(/^\{\{[^{}]+\}\}$/, 'must be one placeholder such as "{{event.data.items}}"').optional(),
      /** The workspace whose event stream gets the result events; this one by default. */
      reportTo: z.string().min(1).optional(),
    })
    .strict()
    .refine((options) => (options.deployable === undefined) !== (options.deployment === undefined), {
      message: 'give exactly one of "deployable" (the function as data: runtime, code, name) or "deployment" (the name of one the action worker knows)',
    }),
);

export type InvokeOptions = z.output<typeof invokeOptions>;

/**
 * Asks an action worker to invoke a function: appends `falco.command.invoke` commands to the
 * workspace's command stream, one per invocation, each with an idempotency key
 * `<workspace>/<trigger>/<entryId>` (`.<index>` per item of a `forEach`). The worker publishes
 * `falco.invocation.succeeded|failed` with subject `<workspace>/<trigger>/<key>` when it ends.
 */
export const invokeAction: ActionDefinition<InvokeOptions> = {
  name: 'invoke',
  options: invokeOptions,
  run(call: ActionCall<InvokeOptions>): void {
    const { options } = call;
    if (options.forEach === undefined) {
      command(call, call.entryId, inputOf(call));
      return;
    }
    const items = renderString(options.forEach, scopeOf(call));
    if (!Array.isArray(items)) throw new TypeError(`forEach "${options.forEach}" is not a list for this event (got ${typeof items})`);
    items.forEach((item, index) => command(call, `${call.entryId}.${index}`, inputOf(call, item)));
  },
};

function inputOf(call: ActionCall<InvokeOptions>, item?: Json): Json {
  if (call.options.input !== undefined) return render(call.options.input, scopeOf(call, item));
  if (item !== undefined) return item;
  return (call.event.data as Json | undefined) ?? {};
}

function command(call: ActionCall<InvokeOptions>, key: string, input: Json): void {
  const { options } = call;
  const idempotencyKey = `${call.workspace}/${call.trigger.id}/${key}`;
  const data: InvokeCommand = {
    ...(options.deployable ? { deployable: options.deployable } : { deployment: options.deployment! }),
    workspace: call.workspace,
    trigger: call.trigger.id,
    key,
    idempotencyKey,
    input,
    reportTo: options.reportTo ?? call.workspace,
  };
  call.command({ id: idempotencyKey, source: triggerSource(call), type: INVOKE_COMMAND_TYPE, subject: idempotencyKey, data });
}
