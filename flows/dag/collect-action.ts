import { z } from 'zod';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { invocationOutcome, invoke, type InvocationOutcome } from '../builders/invocations.js';
import type { ActionCall, ActionDefinition } from '../triggers/types.js';
import { TASK_STARTED, taskTrigger } from './events.js';
import { publishTaskEvent } from './task-events.js';

const collectOptions = z
  .object({
    task: z.string(),
    deployment: z.string(),
    /** Re-invocations of a failed invocation before it counts as failed. */
    retries: z.number().int().nonnegative(),
    /** A forEach task's output is the list of its items' outputs; another's is its one output. */
    forEach: z.boolean(),
  })
  .strict();

export type DagCollectOptions = z.output<typeof collectOptions>;

interface Collected {
  inputs?: Json[];
  /** Per item: the attempt in flight, then its output or error. */
  items: { [index: string]: { attempt: number; output?: Json; error?: Json } };
  /** Results that arrived before the task's start event (another consumer may be faster). */
  early: Array<InvocationOutcome & JsonObject>;
}

/**
 * `dagCollect`: gathers a task's invocation results, each item counted once; a failed item is
 * re-invoked (a new key, a new idempotency key) while it has retries left. When every item has
 * ended, publishes the task's end: succeeded with the output(s), or failed with the first
 * failed item's error; then the trigger is done.
 */
export const dagCollectAction: ActionDefinition<DagCollectOptions> = {
  name: 'dagCollect',
  options: collectOptions,
  run(call) {
    const state = call.context as unknown as Collected;
    state.items ??= {};
    state.early ??= [];
    if (call.event.type === TASK_STARTED) {
      state.inputs = ((call.event.data ?? {}) as { inputs?: Json[] }).inputs ?? [];
      const early = state.early.splice(0);
      for (const outcome of early) apply(call, state, outcome);
    } else {
      const outcome = invocationOutcome(call, taskTrigger(call.options.task));
      if (!outcome) return;
      if (state.inputs === undefined) state.early.push(outcome as InvocationOutcome & JsonObject);
      else apply(call, state, outcome);
    }
    if (state.inputs !== undefined) finishIfDone(call, state, state.inputs);
  },
};

function apply(call: ActionCall<DagCollectOptions>, state: Collected, outcome: InvocationOutcome): void {
  const [index, attemptText] = outcome.key.split('.');
  const item = (state.items[index!] ??= { attempt: 1 });
  if (item.output !== undefined || item.error !== undefined || Number(attemptText) !== item.attempt) return;
  if (outcome.ok) {
    item.output = outcome.output;
    return;
  }
  if (item.attempt <= call.options.retries) {
    item.attempt += 1;
    const input = state.inputs![Number(index)]!;
    invoke(call, { deployment: call.options.deployment, trigger: taskTrigger(call.options.task), key: `${index}.${item.attempt}`, input });
    return;
  }
  item.error = { ...outcome.error, ...(call.options.forEach ? { item: Number(index) } : {}), attempts: item.attempt };
}

function finishIfDone(call: ActionCall<DagCollectOptions>, state: Collected, inputs: readonly Json[]): void {
  const items = inputs.map((_, index) => state.items[index]);
  if (!items.every((item) => item !== undefined && (item.output !== undefined || item.error !== undefined))) return;
  const failed = items.find((item) => item!.error !== undefined);
  const { task } = call.options;
  if (failed) publishTaskEvent(call, task, { status: 'failed', error: failed.error! });
  else publishTaskEvent(call, task, { status: 'succeeded', output: call.options.forEach ? items.map((item) => item!.output!) : items[0]!.output! });
  call.removeTrigger();
}
