import { z } from 'zod';
import { makeEvent } from '../../../stores/ports/event.js';
import type { ActionCall, ActionDefinition } from '../types.js';
import { firingKey, triggerSource } from './naming.js';

export const TIMEOUT_TYPE = 'falco.trigger.timeout';

const timeoutOptions = z
  .object({
    /** Seconds without another activating event before the timeout event is published. */
    seconds: z.number().positive(),
    /** The timeout event's type. @default "falco.trigger.timeout" */
    type: z.string().min(1).default(TIMEOUT_TYPE),
    /** The timeout event's subject. @default the trigger's id */
    subject: z.string().min(1).optional(),
  })
  .strict();

export type TimeoutOptions = z.output<typeof timeoutOptions>;

/**
 * A watchdog: each activating event (re)sets one timer in the store, which publishes a timeout
 * event `seconds` after that event's `time` unless another activating event resets it first. The
 * timer lives in the store, not in memory, so it fires even if the service that set it died; the
 * due time comes from the event, so an event applied again after a crash sets the same timer.
 */
export const timeoutAction: ActionDefinition<TimeoutOptions> = {
  name: 'timeout',
  options: timeoutOptions,
  run(call: ActionCall<TimeoutOptions>): void {
    const { event, options } = call;
    const from = event.time === undefined ? Number.NaN : Date.parse(event.time);
    call.setTimer({
      id: `${call.workspace}/${call.trigger.id}/timeout`,
      dueAt: (Number.isFinite(from) ? from : Date.now()) + options.seconds * 1000,
      event: makeEvent({
        id: `${firingKey(call)}/timeout`,
        source: triggerSource(call),
        type: options.type,
        subject: options.subject ?? call.trigger.id,
        data: { seconds: options.seconds, after: event.id },
      }),
    });
  },
};
