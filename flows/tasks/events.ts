import { z } from 'zod';
import type { ErrorInfo } from '../../src/invocation.js';
import { makeEvent, type FalcoEvent } from '../../stores/ports/event.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';

/** Sent to a task kind's stream (`tasks:<kind>`): a worker of that kind runs the task. */
export const START_TASK = 'falco.task.start';
/** Sent to the service's event stream when a task ends; the lifecycle worker advances its workflow. */
export const END_TASK = 'falco.task.end';
/** One per processed event, in the `receipts` stream, which the receipt log archives. */
export const RECEIPT = 'falco.receipt';

export const RECEIPTS_STREAM = 'receipts';
const SOURCE = '/falco/tasks';

/** The stream a task kind's start-task events go to. */
export function taskStream(kind: string): string {
  return `tasks:${kind}`;
}

const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));
const errorInfo = z.object({ class: z.enum(['function', 'throttled', 'transient', 'timeout', 'fatal', 'aborted']), name: z.string(), message: z.string(), type: z.string().optional() });

export const startTaskData = z.object({
  workflow: z.string().min(1),
  node: z.string().min(1),
  kind: z.string().min(1),
  /** Which dispatch of the node this is: an end-task counts only for the dispatch now running. */
  dispatch: z.number().int().positive(),
  input: json,
  parameters: z.record(z.string(), json),
});
export type StartTask = z.infer<typeof startTaskData>;

export const endTaskData = z.object({
  workflow: z.string().min(1),
  node: z.string().min(1),
  dispatch: z.number().int().positive(),
  status: z.enum(['succeeded', 'failed']),
  output: json.optional(),
  error: errorInfo.optional(),
  /** How often the start-task was handed to a worker (1 first): more means a worker died on it. */
  deliveries: z.number().int().positive().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** The attempt records of a `falco:` task, as falco's executor made them. */
  attempts: z.array(json).optional(),
});
export type EndTask = z.infer<typeof endTaskData>;

export interface Receipt extends JsonObject {
  readonly stream: string;
  readonly entryId: string;
  readonly event: string;
  readonly type: string;
  readonly outcome: 'accepted' | 'matched' | 'ignored' | 'dead-lettered';
  readonly by: string;
  readonly at: number;
}

const dispatchId = (workflow: string, node: string, dispatch: number) => `${workflow}/${node}/${dispatch}`;

export function startTaskEvent(task: StartTask): FalcoEvent<StartTask> {
  return makeEvent({ id: `${dispatchId(task.workflow, task.node, task.dispatch)}/start`, source: SOURCE, type: START_TASK, subject: `${task.workflow}/${task.node}`, data: task });
}

export function endTaskEvent(end: EndTask): FalcoEvent<EndTask> {
  return makeEvent({ id: `${dispatchId(end.workflow, end.node, end.dispatch)}/end`, source: SOURCE, type: END_TASK, subject: `${end.workflow}/${end.node}`, data: end });
}

/** The timer of a `wait:delay` task: its id names the dispatch, so a restart or terminate cancels exactly it. */
export function delayTimerId(workflow: string, node: string, dispatch: number): string {
  return `delay/${dispatchId(workflow, node, dispatch)}`;
}

export function receiptEvent(receipt: Receipt): FalcoEvent<Receipt> {
  return makeEvent({ id: `receipt/${receipt.stream}/${receipt.entryId}/${receipt.by}`, source: SOURCE, type: RECEIPT, subject: receipt.event, data: receipt });
}

/** An end-task for a task that could not run: the reason is the task's error. */
export function failedEnd(task: Pick<StartTask, 'workflow' | 'node' | 'dispatch'>, error: ErrorInfo, extra: Partial<EndTask> = {}): EndTask {
  return { workflow: task.workflow, node: task.node, dispatch: task.dispatch, status: 'failed', error, endedAt: Date.now(), ...extra };
}

/** A zod failure as one line: `path: message; ...`. */
export function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`).join('; ');
}
