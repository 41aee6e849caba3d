import { z } from 'zod';
import type { Json } from '../../../stores/ports/workspace.js';
import { render, renderString, templated, type TemplateScope } from '../template.js';
import type { ActionCall, ActionDefinition } from '../types.js';
import { firingKey, triggerSource } from './naming.js';

const json: z.ZodType<Json> = z.json();

const publishOptions = templated(
  z
    .object({
      type: z.string().min(1),
      subject: z.string().min(1).optional(),
      source: z.string().min(1).optional(),
      /** Defaults to `<workspace>/<trigger>/<entryId>`, so a re-applied event publishes the same id. */
      id: z.string().min(1).optional(),
      data: json.optional(),
    })
    .strict(),
);

export type PublishOptions = z.output<typeof publishOptions>;

/** Publishes one event, built from the options with `{{...}}` placeholders, to the workspace's event stream. */
export const publishAction: ActionDefinition<PublishOptions> = {
  name: 'publish',
  options: publishOptions,
  run(call: ActionCall<PublishOptions>): void {
    const scope = scopeOf(call);
    const text = (value: string) => String(renderString(value, scope));
    const { options } = call;
    call.publish({
      id: options.id === undefined ? firingKey(call) : text(options.id),
      source: options.source === undefined ? triggerSource(call) : text(options.source),
      type: text(options.type),
      ...(options.subject === undefined ? {} : { subject: text(options.subject) }),
      ...(options.data === undefined ? {} : { data: render(options.data, scope) }),
    });
  },
};

/** What `{{...}}` placeholders in an action's options can refer to. */
export function scopeOf(call: ActionCall<unknown>, item?: Json): TemplateScope {
  return {
    event: call.event,
    context: call.context,
    global: call.global,
    trigger: call.trigger.id,
    workspace: call.workspace,
    entryId: call.entryId,
    ...(item === undefined ? {} : { item }),
  };
}
