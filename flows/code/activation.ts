import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FalcoError, toFalcoError } from '../../src/errors.js';
import { errorInfo } from '../../src/invocation.js';
import { findNonJsonValue } from '../../src/json.js';
import { makeEvent } from '../../stores/ports/event.js';
import type { Json, NamedRef, TriggerSpec, WorkspaceStore } from '../../stores/ports/workspace.js';
import { JOIN_EXPECTED_TYPE } from '../triggers/conditions/join.js';
import type { Registry } from '../triggers/registry.js';
import { CodeContext } from './context.js';
import { Dispatcher, putTriggers, type ChildStarter } from './dispatcher.js';
import { WorkflowCodeError } from './errors.js';
import { CHILD_FAILED, CHILD_SUCCEEDED, CODE_WORKFLOW_FAILED, CODE_WORKFLOW_SUCCEEDED, completionFilters, slotSubject, WAKE, WAKE_TRIGGER } from './events.js';
import type { Inbox, InboxSignals } from './inbox.js';
import type { CallOp, FinishedRecord, StartedRecord } from './records.js';
import type { PendingWait, RunState } from './run-state.js';
import type { AnyWorkflow } from './workflow.js';

export interface ActivationOptions {
  readonly store: WorkspaceStore;
  readonly inbox: Inbox;
  readonly registry: Registry;
  readonly startChild?: ChildStarter;
  /** What the inbox saw while the activation read it (a cancel, say). */
  readonly signals: InboxSignals;
  /** What the run's wake trigger does when what the code waits for has ended: publish `falco.code.wake` (a hosting worker reads it) by default. */
  readonly wake?: NamedRef;
}

export type ActivationOutcome = { readonly status: 'finished'; readonly finished: FinishedRecord } | { readonly status: 'suspended' };

/** How long code that awaits nothing a ctx handed out may stay so before it is called stuck. */
const STUCK_MS = 2_000;

/**
 * Runs the coordinator once: the workflow's code from the top against the run's history (logged
 * calls answer at once, new ones are sent) until it returns or throws (the run finishes) or
 * blocks on slots still running. Then it arms the run's wake trigger, a join on the events that
 * end those slots, and suspends: the code is abandoned, and the next wake runs it from the top again.
 */
export async function activate(state: RunState, workflow: AnyWorkflow, options: ActivationOptions): Promise<ActivationOutcome> {
  const started = state.history.started!;
  if (state.history.finished) {
    await announce(options.store, state.run, started, state.history.finished);
    return { status: 'finished', finished: state.history.finished };
  }
  if (state.history.stalled) await state.record([{ kind: 'resumed' }]);
  const dispatcher = new Dispatcher(state, options.store, options.registry, options.startChild);
  const ctx = new CodeContext(state, dispatcher);
  let ended: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  // The input was logged from a call typed by the workflow's input.
  Promise.resolve()
    .then(() => workflow.run(ctx, started.input as never))
    .then(
      (value) => (ended = { ok: true, value }),
      (error: unknown) => (ended = { ok: false, error }),
    );
  try {
    for (;;) {
      await quiet(state, dispatcher, () => ended !== undefined);
      if (ctx.failure !== undefined) throw ctx.failure;
      if (ended) {
        await dispatcher.idle();
        const finished = finishedRecord(ended);
        await state.record([finished]);
        await announce(options.store, state.run, started, state.history.finished!);
        return { status: 'finished', finished: state.history.finished! };
      }
      const waits = await waitsOrStuck(state, () => ended !== undefined);
      if (waits === undefined) continue;
      const before = state.activity;
      const expected = await armWake(state, waits, options);
      if (state.activity !== before || ended !== undefined) continue;
      if (expected === undefined) continue;
      await options.store.events(state.run).publish([makeEvent({ id: `${state.run}/wake/${randomUUID()}`, source: `/falco/workflows/${state.run}/coordinator`, type: JOIN_EXPECTED_TYPE, subject: `${state.run}/wake`, data: { expected } })]);
      return { status: 'suspended' };
    }
  } finally {
    ctx.close();
    state.clearWaiters();
  }
}

/** Resolves once the code has ended, or has made no progress for two turns of the event loop with nothing being sent. */
async function quiet(state: RunState, dispatcher: Dispatcher, hasEnded: () => boolean): Promise<void> {
  for (let still = 0; still < 2; ) {
    const before = state.activity;
    if (dispatcher.busy) await dispatcher.idle().catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    if (hasEnded()) return;
    still = state.activity === before && !dispatcher.busy && !state.busy ? still + 1 : 0;
  }
}

/** What the blocked code waits for; when it waits for nothing a ctx handed out, a grace period, then a `WorkflowCodeError`. */
async function waitsOrStuck(state: RunState, hasEnded: () => boolean): Promise<PendingWait[] | undefined> {
  const started = Date.now();
  for (;;) {
    const waits = state.pendingWaits().filter((wait) => wait.slots.length > 0);
    if (waits.length > 0) return waits;
    const before = state.activity;
    await sleep(20);
    if (hasEnded() || state.activity !== before) return undefined;
    if (Date.now() - started > STUCK_MS) {
      throw new WorkflowCodeError(`run ${state.run}: the workflow's code awaits something that is not a ctx call (a timer, a fetch, a promise of its own): await only ctx calls and futures, so the run can be replayed`);
    }
  }
}

const OPS: Record<string, Exclude<CallOp, 'value'>> = { A: 'invoke', M: 'invoke', R: 'invoke', S: 'sleep', E: 'event', C: 'child' };

/**
 * Puts the run's wake trigger: a join over the events that end the slots waited for, publishing
 * `falco.code.wake`. Its N is set by an event after the coordinator has read its inbox up to the
 * trigger's own triggers-changed event, so results that came in before the trigger existed
 * (which it never sees) are counted here, and no wake is missed. Returns that N, or undefined
 * when the results read meanwhile leave nothing to wait for.
 */
async function armWake(state: RunState, waits: readonly PendingWait[], options: ActivationOptions): Promise<number | undefined> {
  const { run, history } = state;
  const slots = [...new Set(waits.flatMap((wait) => wait.slots))];
  const spec: TriggerSpec = {
    id: WAKE_TRIGGER,
    activation: [...slots.flatMap((slot) => completionFilters(run, slot, OPS[slot[0]!]!, history.epochOf(slot))), { type: JOIN_EXPECTED_TYPE, subject: `${run}/wake` }],
    condition: { name: 'join' },
    action: options.wake ?? { name: 'publish', options: { type: WAKE, subject: run } },
    transient: true,
  };
  const marker = await putTriggers(options.store, options.registry, run, [spec]);
  await options.inbox.drainUntil(marker, options.signals);
  const left = state.pendingWaits().filter((wait) => wait.slots.length > 0);
  return left.length === 0 ? undefined : Math.min(...left.map((wait) => wait.need));
}

function finishedRecord(ended: { ok: true; value: unknown } | { ok: false; error: unknown }): FinishedRecord {
  if (ended.ok) {
    const problem = findNonJsonValue(ended.value, 'output');
    if (problem === undefined) return { kind: 'finished', ok: true, output: (ended.value ?? null) as Json };
    return { kind: 'finished', ok: false, error: errorInfo(new WorkflowCodeError(`the workflow's output cannot be logged: ${problem}`)) };
  }
  const error = ended.error instanceof FalcoError ? ended.error : toFalcoError(ended.error, 'the workflow code');
  return { kind: 'finished', ok: false, error: ended.error instanceof Error && !(ended.error instanceof FalcoError) ? { ...errorInfo(error), name: ended.error.name, message: ended.error.message } : errorInfo(error) };
}

/** Publishes the run's end to its own workspace and, for a child, to its parent's (same ids every time: a repeat is a duplicate). */
export async function announce(store: WorkspaceStore, run: string, started: StartedRecord, finished: FinishedRecord): Promise<void> {
  const data = finished.ok ? { output: finished.output } : { error: finished.error };
  const source = `/falco/workflows/${run}`;
  await store.events(run).publish([makeEvent({ id: `${run}/end`, source, type: finished.ok ? CODE_WORKFLOW_SUCCEEDED : CODE_WORKFLOW_FAILED, subject: run, data })]);
  if (started.parent) {
    const { parent } = started;
    await store.events(parent.run).publish([makeEvent({ id: `${run}/end`, source, type: finished.ok ? CHILD_SUCCEEDED : CHILD_FAILED, subject: slotSubject(parent.run, parent.slot, 0), data })]);
  }
}
